"""The seed study: how much the NER recipe's scores depend on its seed, and recipe changes judged over seeds."""
