package io.irkit.trainer.data;

import java.nio.file.Path;

/** One image and its dense class label (0..C-1 within the split it belongs to). */
public record Sample(Path path, long label) {}
