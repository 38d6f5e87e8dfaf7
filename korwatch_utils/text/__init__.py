"""Layer 1, text: Indonesian word classes (`indonesian`) and boilerplate cleaning (`cleaning`)."""
