"""Whether `make models` reproduces its own output: compare two builds tensor by tensor."""
