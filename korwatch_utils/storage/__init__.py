"""Layer 5, storage and execution: the DuckDB store (`store`) and where chunks are analysed (`cluster`)."""
