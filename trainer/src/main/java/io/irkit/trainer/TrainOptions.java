package io.irkit.trainer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Every setting of a training run. Each can be a flag or a key of the YAML file given with
 * {@code --config} (key = the flag without dashes); flags override the file. The resolved values are
 * written to the run directory as config.yaml, which {@code --resume} and {@code eval} read back.
 */
public final class TrainOptions {
  // data
  @Option(names = "--dataset", description = "Data layout: imagefolder, csv, cub, cars196, sop, inat, emoji (default: ${DEFAULT-VALUE}).", defaultValue = "emoji")
  public String dataset;

  @Option(names = "--data-root", description = "Dataset folder (csv: the CSV/TSV file) (default: ${DEFAULT-VALUE}).", defaultValue = "data/emoji")
  public Path dataRoot;

  @Option(names = "--test-classes", split = ",", description = "Explicit test class names (imagefolder/csv/emoji); default: the layout's protocol or a seeded half.")
  public List<String> testClasses;

  @Option(names = "--val-fraction", description = "Validation = this last fraction of the training classes (default: ${DEFAULT-VALUE}).", defaultValue = "0.2")
  public double valFraction;

  @Option(names = "--image-size", description = "Training/eval image side in pixels (default: ${DEFAULT-VALUE}).", defaultValue = "64")
  public int imageSize;

  @Option(names = "--min-crop-scale", description = "Random resized crop: smallest area fraction (torchvision: 0.08) (default: ${DEFAULT-VALUE}).", defaultValue = "0.08")
  public double minCropScale;

  @Option(names = "--color-jitter", description = "Brightness/contrast/saturation jitter strength; 0 = off (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public double colorJitter;

  @Option(names = "--randaugment-ops", description = "RandAugment-style ops per image (rotate, shear, posterize, ...); 0 = off (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public int randAugmentOps;

  @Option(names = "--workers", description = "Data loading threads (default: ${DEFAULT-VALUE}).", defaultValue = "2")
  public int workers;

  @Option(names = "--prefetch", description = "Batches decoded ahead (default: ${DEFAULT-VALUE}).", defaultValue = "4")
  public int prefetch;

  @Option(names = "--strict", description = "Fail on a corrupt or missing image instead of skipping it.")
  public boolean strict;

  // model
  @Option(names = "--arch", description = "Backbone: smallcnn, resnet18, resnet50, torchscript (default: ${DEFAULT-VALUE}).", defaultValue = "smallcnn")
  public String arch;

  @Option(names = "--weights", description = "Pretrained backbone weights (.pth state dict or .safetensors), or the TorchScript file for --arch torchscript.")
  public Path weights;

  @Option(names = "--embedding-dim", description = "Head: Linear to this size then L2 norm; 0 = the pooled feature (default: ${DEFAULT-VALUE}).", defaultValue = "128")
  public int embeddingDim;

  // loss and mining
  @Option(names = "--loss", description = "PML loss class, e.g. MultiSimilarityLoss, ContrastiveLoss, TripletMarginLoss, ArcFaceLoss (default: ${DEFAULT-VALUE}).", defaultValue = "MultiSimilarityLoss")
  public String loss;

  @Option(names = "--loss-param", split = ",", description = "Loss parameter by PML name, e.g. alpha=2 (repeatable).")
  public Map<String, String> lossParams = new LinkedHashMap<>();

  @Option(names = "--miner", description = "PML miner class, or none (default: ${DEFAULT-VALUE}).", defaultValue = "MultiSimilarityMiner")
  public String miner;

  @Option(names = "--miner-param", split = ",", description = "Miner parameter by PML name, e.g. epsilon=0.1 (repeatable).")
  public Map<String, String> minerParams = new LinkedHashMap<>();

  // sampling and schedule
  @Option(names = "--batch-size", description = "Images per step (default: ${DEFAULT-VALUE}).", defaultValue = "32")
  public int batchSize;

  @Option(names = "--m", description = "Images per class in a batch (MPerClassSampler); 1 = plain random sampling (default: ${DEFAULT-VALUE}).", defaultValue = "4")
  public int m;

  @Option(names = "--samples-per-epoch", description = "Samples in an epoch, PML's length_before_new_iter (default: ${DEFAULT-VALUE}).", defaultValue = "100000")
  public int samplesPerEpoch;

  @Option(names = "--epochs", description = "Maximum epochs (default: ${DEFAULT-VALUE}).", defaultValue = "10")
  public int epochs;

  @Option(names = "--patience", description = "Early stopping: epochs without a better validation P@1 (default: ${DEFAULT-VALUE}).", defaultValue = "3")
  public int patience;

  @Option(names = "--optimizer", description = "adam, adamw, rmsprop or sgd (default: ${DEFAULT-VALUE}).", defaultValue = "adam")
  public String optimizer;

  @Option(names = "--lr", description = "Learning rate of the model (default: ${DEFAULT-VALUE}).", defaultValue = "1e-4")
  public double lr;

  @Option(names = "--classifier-lr", description = "Learning rate of classifier/proxy weights (default: ${DEFAULT-VALUE}).", defaultValue = "1.0")
  public double classifierLr;

  @Option(names = "--weight-decay", description = "Weight decay (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public double weightDecay;

  @Option(names = "--momentum", description = "SGD/RMSprop momentum (default: ${DEFAULT-VALUE}).", defaultValue = "0.9")
  public double momentum;

  @Option(names = "--schedule", description = "LR schedule: constant or cosine (linear warmup then cosine) (default: ${DEFAULT-VALUE}).", defaultValue = "constant")
  public String schedule;

  @Option(names = "--warmup-steps", description = "Linear warmup steps for --schedule cosine (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public int warmupSteps;

  // runtime
  @Option(names = "--seed", description = "Seed of weights, sampling and augmentation (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public long seed;

  @Option(names = "--device", description = "cpu or cuda (cuda needs the Maven 'cuda' profile build) (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
  public String device;

  @Option(names = "--loss-device", description = "Where irkit's miner and loss run: auto (on the GPU under --device cuda when the irkit library was built with CUDA, else on the host), cpu, or cuda (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
  public String lossDevice;

  @Option(names = "--threads", description = "CPU threads for LibTorch and irkit kernels; 0 = all (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public int threads;

  @Option(names = "--recall-ks", split = ",", description = "Recall@k values reported (default: ${DEFAULT-VALUE}).", defaultValue = "1,2,4,8")
  public List<Integer> recallKs;

  /**
   * The options {@code trainer.jar train ARGS} would run with ({@code --config YAML} and flags, flags
   * winning), validated; for benchmarks and tools that reuse the trainer's parts.
   */
  public static TrainOptions parse(String... trainArgs) throws java.io.IOException {
    String[] args = new String[trainArgs.length + 1];
    args[0] = "train";
    System.arraycopy(trainArgs, 0, args, 1, trainArgs.length);
    picocli.CommandLine.ParseResult r = Main.commandLine(args).parseArgs(args);
    TrainOptions o = ((TrainCommand) r.subcommand().commandSpec().userObject()).options;
    o.validate();
    return o;
  }

  /** Checks values that need no data, so a typo fails before anything is loaded. */
  public void validate() {
    requireOneOf("--optimizer", optimizer, "adam", "adamw", "rmsprop", "sgd");
    requireOneOf("--schedule", schedule, "constant", "cosine");
    requireOneOf("--device", device, "cpu", "cuda");
    requireOneOf("--loss-device", lossDevice, "auto", "cpu", "cuda");
    requireOneOf("--arch", arch, "smallcnn", "resnet18", "resnet50", "torchscript");
    positive("--batch-size", batchSize);
    positive("--m", m);
    positive("--samples-per-epoch", samplesPerEpoch);
    positive("--epochs", epochs);
    positive("--workers", workers);
    positive("--prefetch", prefetch);
    positive("--image-size", imageSize);
    if (patience < 1) throw new IllegalArgumentException("--patience must be >= 1, got " + patience);
    if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
    if (!(classifierLr > 0)) throw new IllegalArgumentException("--classifier-lr must be > 0, got " + classifierLr);
    if (weightDecay < 0) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
    if (!(valFraction >= 0 && valFraction < 1)) throw new IllegalArgumentException("--val-fraction must be in [0, 1), got " + valFraction);
    if (!(minCropScale > 0 && minCropScale <= 1)) throw new IllegalArgumentException("--min-crop-scale must be in (0, 1], got " + minCropScale);
    if (embeddingDim < 0) throw new IllegalArgumentException("--embedding-dim must be >= 0, got " + embeddingDim);
    if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
    for (int k : recallKs) positive("--recall-ks", k);
  }

  private static void requireOneOf(String flag, String value, String... allowed) {
    for (String a : allowed) if (a.equals(value)) return;
    throw new IllegalArgumentException(flag + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
  }

  private static void positive(String flag, long value) {
    if (value <= 0) throw new IllegalArgumentException(flag + " must be > 0, got " + value);
  }

  /** Options as a map of YAML keys (flag names without dashes) to values, for config.yaml. */
  public Map<String, Object> asMap() {
    return OptionsYaml.toMap(this);
  }
}
