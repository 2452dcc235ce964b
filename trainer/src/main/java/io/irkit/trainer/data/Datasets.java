package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a dataset laid out one of the known ways and splits it into class-disjoint train, val and test.
 * Validation is always the last {@link SplitOptions#valFraction()} of the training classes, in class
 * order (numeric where the class names are integers). The layouts:
 * <ul>
 *   <li>imagefolder: root/&lt;class&gt;/&lt;image&gt;; a seeded testFraction of the classes is test.
 *   <li>emoji: the imagefolder written by scripts/fetch-emoji.sh; split as imagefolder.
 *   <li>csv (or tsv): rows {@code path,label[,split]}; a header is recognized by a first field named path
 *       (or file, filename, image); paths relative to the file's folder; a train/test split column
 *       overrides the seeded class split.
 *   <li>cub: CUB-200-2011 images.txt + image_class_labels.txt; classes 101-200 are test.
 *   <li>cars196: cars_annos.mat; classes 99-196 are test.
 *   <li>sop: Stanford Online Products Ebay_train.txt / Ebay_test.txt (class_id column).
 *   <li>inat: iNaturalist-2018 retrieval split, root/train.txt and root/test.txt of {@code path class}
 *       lines (or the original Inaturalist_{train,test}_set1.txt, class = the image's folder).
 * </ul>
 */
public final class Datasets {
  public static final List<String> LAYOUTS = List.of("imagefolder", "csv", "cub", "cars196", "sop", "inat", "emoji");

  private Datasets() {}

  /**
   * @param layout one of {@link #LAYOUTS} (case-insensitive; "tsv" is read as csv)
   * @param root the dataset folder (csv: the list file or a folder holding one; cars196: the folder or
   *     cars_annos.mat)
   */
  public static Split load(String layout, Path root, SplitOptions opts) throws IOException {
    return switch (layout.toLowerCase(Locale.ROOT)) {
      case "imagefolder" -> ImageFolderLayout.load(root, opts);
      case "csv", "tsv" -> CsvLayout.load(root, opts);
      case "cub" -> CubLayout.load(root, opts);
      case "cars196" -> Cars196Layout.load(root, opts);
      case "sop" -> SopLayout.load(root, opts);
      case "inat" -> INatLayout.load(root, opts);
      case "emoji" -> EmojiLayout.load(root, opts);
      default -> throw new IllegalArgumentException("unknown dataset layout '" + layout + "'; known: " + LAYOUTS);
    };
  }
}
