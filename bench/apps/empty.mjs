// An empty ES module: the start-up floor.
