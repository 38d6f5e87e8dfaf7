"""Layer 6, views: charts (`plots`), escaped HTML (`render`), report.html (`report`) and notebook widgets."""
