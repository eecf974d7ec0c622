// An empty CommonJS script: the start-up floor.
