package io.irkit.trainer.data;

import java.nio.file.Path;

/** An image with its class as the dataset names it, before the split assigns dense labels. */
record Entry(Path path, String cls) {}
