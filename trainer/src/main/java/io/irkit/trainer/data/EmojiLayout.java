package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ImageFolder written by scripts/fetch-emoji.sh: root/&lt;unified-code&gt;/{google,twitter}.png.
 * Split like imagefolder (a seeded half of the emoji are test).
 */
final class EmojiLayout {
  private EmojiLayout() {}

  static Split load(Path root, SplitOptions opts) throws IOException {
    if (!Files.isRegularFile(root.resolve(".complete"))) {
      throw new IOException(root + " is not a complete emoji dataset: run scripts/fetch-emoji.sh " + root);
    }
    return ImageFolderLayout.load(root, opts);
  }
}
