package io.irkit.trainer.data;

import static io.irkit.trainer.data.SplitAssertions.assertValIsLastOfTrain;
import static io.irkit.trainer.data.SplitAssertions.assertWellFormed;
import static io.irkit.trainer.data.SplitAssertions.classes;
import static io.irkit.trainer.data.SplitAssertions.parentName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

class DatasetsTest {
  private static final SplitOptions DEFAULTS = SplitOptions.defaults();

  @TempDir
  Path dir;

  private static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
  }

  private static Set<String> set(List<String> l) {
    return new TreeSet<>(l);
  }

  @Test
  void imageFolderSplitsASeededHalfOfTheClasses() throws IOException {
    Fixtures.imageFolder(dir, 10, 2, 4);
    Split s = Datasets.load("imagefolder", dir, DEFAULTS);
    assertWellFormed(s, SplitAssertions::parentName);
    assertValIsLastOfTrain(s, SplitAssertions::parentName, 0.2);
    assertEquals(5, classes(s.test(), SplitAssertions::parentName).size());
    assertEquals(1, classes(s.val(), SplitAssertions::parentName).size());
    assertEquals(4, s.numTrainClasses());
    assertEquals(8, s.train().size());
    assertEquals(s.test(), Datasets.load("imagefolder", dir, DEFAULTS).test(), "same seed, same split");
    Set<Set<String>> testSets = new HashSet<>();
    for (long seed = 0; seed < 10; seed++) {
      testSets.add(classes(Datasets.load("imagefolder", dir, DEFAULTS.withSeed(seed)).test(), SplitAssertions::parentName));
    }
    assertTrue(testSets.size() > 1, "the seed must change the test classes");
  }

  @Test
  void explicitTestClassesAndFractions() throws IOException {
    Fixtures.imageFolder(dir, 10, 1, 4);
    Split s = Datasets.load("imagefolder", dir, DEFAULTS.withTestClasses(List.of("cls01", "cls02")));
    assertEquals(Set.of("cls01", "cls02"), classes(s.test(), SplitAssertions::parentName));
    assertEquals(Set.of("cls08", "cls09"), classes(s.val(), SplitAssertions::parentName)); // round(0.2 * 8)
    assertEquals(6, s.numTrainClasses());
    Split quarter = Datasets.load("imagefolder", dir, DEFAULTS.withTestFraction(0.3).withValFraction(0));
    assertEquals(3, quarter.test().size());
    assertEquals(0, quarter.val().size());
    var e = assertThrows(IllegalArgumentException.class,
        () -> Datasets.load("imagefolder", dir, DEFAULTS.withTestClasses(List.of("nope"))));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void emojiNeedsTheCompleteMarker() throws IOException {
    for (String code : List.of("1F600", "1F601", "1F602", "1F603")) {
      Fixtures.solid(dir.resolve(code).resolve("google.png"), 4, 4, 1, 2, 3);
      Fixtures.solid(dir.resolve(code).resolve("twitter.png"), 4, 4, 1, 2, 3);
    }
    assertThrows(IOException.class, () -> Datasets.load("emoji", dir, DEFAULTS));
    Files.writeString(dir.resolve(".complete"), "x\n4\n");
    Split s = Datasets.load("emoji", dir, DEFAULTS);
    assertWellFormed(s, SplitAssertions::parentName);
    assertEquals(4, s.test().size()); // 2 classes x 2 vendors
    assertEquals(2, s.numTrainClasses()); // round(0.2 * 2) = 0 val classes
    assertEquals(4, s.train().size());
  }

  @Test
  void csvWithHeaderSplitColumnAndRelativePaths() throws IOException {
    Path list = dir.resolve("lists/all.csv");
    StringBuilder csv = new StringBuilder("path,label,split\n");
    for (String c : List.of("a", "b", "c", "d", "e", "f", "g")) {
      for (int i = 0; i < 2; i++) {
        Fixtures.solid(dir.resolve("lists/imgs/" + c + "/" + i + ".png"), 4, 4, 9, 9, 9);
        String split = c.compareTo("e") > 0 ? "test" : "train";
        csv.append(i == 0 ? "\"imgs/" + c + "/" + i + ".png\"" : "imgs/" + c + "/" + i + ".png")
            .append(',').append(c).append(',').append(split).append('\n');
      }
    }
    Files.writeString(list, csv);
    Split s = Datasets.load("csv", list, DEFAULTS);
    assertWellFormed(s, SplitAssertions::parentName);
    assertEquals(Set.of("f", "g"), classes(s.test(), SplitAssertions::parentName));
    assertEquals(Set.of("e"), classes(s.val(), SplitAssertions::parentName));
    assertEquals(4, s.numTrainClasses());
    assertEquals(s, Datasets.load("csv", dir.resolve("lists"), DEFAULTS), "a folder with one list works too");
    assertThrows(IllegalArgumentException.class, () -> Datasets.load("csv", list, DEFAULTS.withTestClasses(List.of("a"))));
  }

  @Test
  void tsvWithoutHeaderOrdersNumericClassesNumerically() throws IOException {
    StringBuilder tsv = new StringBuilder();
    for (int c = 1; c <= 12; c++) {
      Fixtures.solid(dir.resolve("img/" + c + "/x.png"), 4, 4, 0, 0, 0);
      tsv.append("img/").append(c).append("/x.png\t").append(c).append('\n');
    }
    Files.writeString(dir.resolve("labels.tsv"), tsv);
    Split s = Datasets.load("tsv", dir.resolve("labels.tsv"), DEFAULTS);
    assertWellFormed(s, SplitAssertions::parentName);
    assertValIsLastOfTrain(s, SplitAssertions::parentName, 0.2);
    assertEquals(6, s.test().size());
    // the 6 train classes sorted numerically: val is the last one, "12" sorts after "9" only numerically
    List<String> trainAndVal = new ArrayList<>(classes(s.train(), SplitAssertions::parentName));
    trainAndVal.addAll(classes(s.val(), SplitAssertions::parentName));
    assertEquals(ClassSplit.sorted(trainAndVal), trainAndVal);
  }

  @Test
  void csvRejectsRowsMixingSplitAndNoSplit() throws IOException {
    Files.writeString(dir.resolve("l.csv"), "a.png,1,train\nb.png,2\n");
    var e = assertThrows(IOException.class, () -> Datasets.load("csv", dir.resolve("l.csv"), DEFAULTS));
    assertTrue(e.getMessage().contains("l.csv:2"), e.getMessage());
  }

  @Test
  void cubTestsOnClasses101To200() throws IOException {
    Path root = dir.resolve("CUB_200_2011");
    StringBuilder images = new StringBuilder(), labels = new StringBuilder();
    int id = 0;
    for (int c = 1; c <= 200; c++) {
      for (int i = 0; i < (c == 1 ? 2 : 1); i++) {
        String rel = String.format("%03d.Bird_%d/Bird_%d_%d.jpg", c, c, c, i);
        Fixtures.solid(root.resolve("images").resolve(rel), 4, 4, c, c, c);
        id++;
        images.append(id).append(' ').append(rel).append('\n');
        labels.append(id).append(' ').append(c).append('\n');
      }
    }
    Files.writeString(root.resolve("images.txt"), images);
    Files.writeString(root.resolve("image_class_labels.txt"), labels);
    Function<Path, String> classOf = p -> Integer.toString(Integer.parseInt(parentName(p).substring(0, 3)));
    Split s = Datasets.load("cub", dir, DEFAULTS); // the parent of CUB_200_2011 works too
    assertWellFormed(s, classOf);
    assertEquals(set(ids(101, 200)), classes(s.test(), classOf));
    assertEquals(set(ids(81, 100)), classes(s.val(), classOf));
    assertEquals(set(ids(1, 80)), classes(s.train(), classOf));
    assertEquals(80, s.numTrainClasses());
    assertEquals(81, s.train().size());
  }

  @Test
  void cars196TestsOnClasses99To196() throws IOException {
    int n = 196;
    Struct ann = Mat5.newStruct(1, n);
    for (int c = 1; c <= n; c++) {
      String rel = String.format("car_ims/%03d/%06d.jpg", c, c);
      Fixtures.solid(dir.resolve(rel), 4, 4, 0, 0, c);
      Matrix cls = Mat5.newMatrix(1, 1, MatlabType.UInt8);
      cls.setInt(0, c);
      ann.set("relative_im_path", c - 1, Mat5.newString(rel));
      ann.set("class", c - 1, cls);
      ann.set("test", c - 1, Mat5.newScalar(c % 2)); // the file's own flag, which the protocol ignores
    }
    Mat5.writeToFile(Mat5.newMatFile().addArray("annotations", ann), dir.resolve("cars_annos.mat").toFile());
    Function<Path, String> classOf = p -> Integer.toString(Integer.parseInt(parentName(p)));
    Split s = Datasets.load("cars196", dir, DEFAULTS);
    assertWellFormed(s, classOf);
    assertEquals(set(ids(99, 196)), classes(s.test(), classOf));
    assertEquals(set(ids(79, 98)), classes(s.val(), classOf)); // round(0.2 * 98) = 20
    assertEquals(78, s.numTrainClasses());
    assertEquals(s, Datasets.load("cars196", dir.resolve("cars_annos.mat"), DEFAULTS));
  }

  @Test
  void sopUsesItsTwoLists() throws IOException {
    for (String part : List.of("train", "test")) {
      StringBuilder txt = new StringBuilder("image_id class_id super_class_id path\n");
      int from = part.equals("train") ? 1 : 11, to = part.equals("train") ? 10 : 15;
      for (int c = from; c <= to; c++) {
        for (int i = 0; i < 2; i++) {
          String rel = "bicycle_final/" + c + "/" + i + ".JPG";
          Fixtures.solid(dir.resolve(rel), 4, 4, 1, 1, 1);
          txt.append(c * 10 + i).append(' ').append(c).append(" 1 ").append(rel).append('\n');
        }
      }
      Files.writeString(dir.resolve("Ebay_" + part + ".txt"), txt);
    }
    Split s = Datasets.load("sop", dir, DEFAULTS);
    assertWellFormed(s, SplitAssertions::parentName);
    assertEquals(set(ids(11, 15)), classes(s.test(), SplitAssertions::parentName));
    assertEquals(set(ids(9, 10)), classes(s.val(), SplitAssertions::parentName));
    assertEquals(8, s.numTrainClasses());
    assertThrows(IllegalArgumentException.class, () -> Datasets.load("sop", dir, DEFAULTS.withTestClasses(List.of("11"))));
  }

  @Test
  void inatReadsPathClassLinesOrClassFromFolder() throws IOException {
    StringBuilder train = new StringBuilder(), test = new StringBuilder();
    for (int c = 0; c < 10; c++) {
      String rel = "train_val2018/Plantae/" + (500 + c) + "/a.jpg";
      Fixtures.solid(dir.resolve(rel), 4, 4, 5, 5, 5);
      (c < 5 ? train : test).append(rel).append(' ').append(500 + c).append('\n');
    }
    Files.writeString(dir.resolve("train.txt"), train);
    Files.writeString(dir.resolve("test.txt"), test);
    Split s = Datasets.load("inat", dir, DEFAULTS);
    assertWellFormed(s, SplitAssertions::parentName);
    assertEquals(set(ids(505, 509)), classes(s.test(), SplitAssertions::parentName));
    assertEquals(set(ids(504, 504)), classes(s.val(), SplitAssertions::parentName));

    // the original list names, path-only lines: the class is the folder
    Files.delete(dir.resolve("train.txt"));
    Files.delete(dir.resolve("test.txt"));
    Files.createDirectories(dir.resolve("Inat_dataset_splits"));
    Files.writeString(dir.resolve("Inat_dataset_splits/Inaturalist_train_set1.txt"), train.toString().replaceAll(" \\d+\n", "\n"));
    Files.writeString(dir.resolve("Inat_dataset_splits/Inaturalist_test_set1.txt"), test.toString().replaceAll(" \\d+\n", "\n"));
    assertEquals(s, Datasets.load("inat", dir, DEFAULTS));
  }

  @Test
  void unknownLayoutNamesTheKnownOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> Datasets.load("coco", dir, DEFAULTS));
    assertTrue(e.getMessage().contains("cars196"), e.getMessage());
  }

  @Test
  void optionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withValFraction(1));
    assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withTestFraction(0));
    assertNotEquals(DEFAULTS, DEFAULTS.withSeed(1));
  }
}
