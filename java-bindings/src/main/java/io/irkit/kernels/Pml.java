package io.irkit.kernels;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds distances, miners and losses from PML-style descriptions: a class name plus its
 * constructor parameters ({@code {"type": "MultiSimilarityLoss", "alpha": 2, ...}}), as in the
 * reference files and the trainer's {@code --loss}/{@code --miner}. Every parameter given must be
 * understood: an unknown or unsupported one is an error, never silently ignored.
 */
public final class Pml {
  private Pml() {}

  public static final Set<String> CLASSIFIER_LOSSES = Set.of("CosFaceLoss", "ArcFaceLoss", "SubCenterArcFaceLoss",
      "NormalizedSoftmaxLoss", "ProxyAnchorLoss");

  public static boolean isClassifierLoss(Map<String, Object> cfg) {
    return CLASSIFIER_LOSSES.contains(String.valueOf(cfg.get("type")));
  }

  /** Parameters of one PML object; remembers which were read so leftovers can be reported. */
  static final class Params {
    private final Map<String, Object> cfg;
    private final Set<String> used = new HashSet<>();
    final String type;

    Params(Map<String, Object> cfg, String what) {
      if (cfg == null) throw new IllegalArgumentException(what + " description is null");
      this.cfg = cfg;
      this.type = String.valueOf(cfg.get("type"));
      used.add("type");
    }

    boolean has(String key) {
      return cfg.get(key) != null;
    }

    double num(String key, double dflt) {
      used.add(key);
      Object v = cfg.get(key);
      if (v == null) return dflt;
      if (v instanceof Number n) return n.doubleValue();
      try {
        return Double.parseDouble(v.toString());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(type + "." + key + " must be a number, got '" + v + "'");
      }
    }

    boolean bool(String key, boolean dflt) {
      used.add(key);
      Object v = cfg.get(key);
      if (v == null) return dflt;
      if (v instanceof Boolean b) return b;
      String s = v.toString().toLowerCase(Locale.ROOT);
      if (s.equals("true")) return true;
      if (s.equals("false")) return false;
      throw new IllegalArgumentException(type + "." + key + " must be true or false, got '" + v + "'");
    }

    String str(String key, String dflt) {
      used.add(key);
      Object v = cfg.get(key);
      return v == null ? dflt : v.toString();
    }

    double[] range(String key) {
      used.add(key);
      Object v = cfg.get(key);
      if (v == null) return null;
      if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b)
        return new double[] {a.doubleValue(), b.doubleValue()};
      throw new IllegalArgumentException(type + "." + key + " must be [lo, hi], got " + v);
    }

    @SuppressWarnings("unchecked")
    Distance distance(Distance dflt) {
      used.add("distance");
      Object v = cfg.get("distance");
      return v == null ? dflt : Pml.distance((Map<String, Object>) v);
    }

    void done() {
      for (String key : cfg.keySet())
        if (!used.contains(key)) throw new UnsupportedOperationException(type + " parameter '" + key + "' is not supported by irkit");
    }
  }

  public static Distance distance(Map<String, Object> cfg) {
    Params p = new Params(cfg, "distance");
    Distance d = switch (p.type) {
      case "CosineSimilarity" -> {
        if (!p.bool("normalize_embeddings", true))
          throw new IllegalArgumentException("CosineSimilarity requires normalize_embeddings=True");
        if (p.num("power", 1) != 1) throw new UnsupportedOperationException("CosineSimilarity power != 1 is not supported");
        yield Distance.cosine();
      }
      case "DotProductSimilarity" -> {
        boolean norm = p.bool("normalize_embeddings", true);
        if (p.num("power", 1) != 1) throw new UnsupportedOperationException("DotProductSimilarity power != 1 is not supported");
        yield Distance.dot(norm);
      }
      case "LpDistance" -> {
        if (p.num("p", 2) != 2) throw new UnsupportedOperationException("LpDistance supports p = 2 only");
        yield Distance.lp(p.bool("normalize_embeddings", true), p.num("power", 1));
      }
      default -> throw new UnsupportedOperationException("distance type '" + p.type + "' is not supported");
    };
    p.done();
    return d;
  }

  public static Miner miner(Map<String, Object> cfg) {
    Params p = new Params(cfg, "miner");
    Miner m = switch (p.type) {
      case "MultiSimilarityMiner" -> new MultiSimilarityMiner(p.num("epsilon", 0.1), p.distance(Distance.cosine()));
      case "TripletMarginMiner" -> new TripletMarginMiner(p.num("margin", 0.2),
          TripletMarginMiner.type(p.str("type_of_triplets", "all")), p.distance(Distance.lp()));
      case "BatchHardMiner" -> new BatchHardMiner(p.distance(Distance.lp()));
      case "BatchEasyHardMiner" -> new BatchEasyHardMiner(BatchEasyHardMiner.strategy(p.str("pos_strategy", "easy")),
          BatchEasyHardMiner.strategy(p.str("neg_strategy", "semihard")), p.range("allowed_pos_range"),
          p.range("allowed_neg_range"), p.distance(Distance.lp()));
      case "PairMarginMiner" -> new PairMarginMiner(p.num("pos_margin", 0.2), p.num("neg_margin", 0.8), p.distance(Distance.lp()));
      default -> throw new UnsupportedOperationException("miner type '" + p.type + "' is not supported");
    };
    p.done();
    return m;
  }

  /** A pair or triplet loss (see {@link #classifierLoss} for the ones with weights). */
  public static Loss loss(Map<String, Object> cfg) {
    Params p = new Params(cfg, "loss");
    Loss l = switch (p.type) {
      case "ContrastiveLoss" -> new ContrastiveLoss(p.num("pos_margin", 0), p.num("neg_margin", 1), p.distance(Distance.lp()));
      case "TripletMarginLoss" -> {
        String tpa = p.str("triplets_per_anchor", "all");
        if (!tpa.equals("all"))
          throw new UnsupportedOperationException("TripletMarginLoss triplets_per_anchor must be \"all\" (random sampling is not supported), got " + tpa);
        yield new TripletMarginLoss(p.num("margin", 0.05), p.bool("swap", false), p.bool("smooth_loss", false), p.distance(Distance.lp()));
      }
      case "MultiSimilarityLoss" -> new MultiSimilarityLoss(p.num("alpha", 2), p.num("beta", 50), p.num("base", 0.5), p.distance(Distance.cosine()));
      case "NTXentLoss" -> new NTXentLoss(p.num("temperature", 0.07), p.distance(Distance.cosine()));
      case "SupConLoss" -> new SupConLoss(p.num("temperature", 0.1), p.distance(Distance.cosine()));
      case "CircleLoss" -> new CircleLoss(p.num("m", 0.4), p.num("gamma", 80), p.distance(Distance.cosine()));
      case "ThresholdConsistentMarginLoss" -> {
        Distance d = p.distance(Distance.cosine());
        if (d.kind() != Distance.Kind.COSINE) throw new UnsupportedOperationException("ThresholdConsistentMarginLoss uses cosine similarity only");
        yield new ThresholdConsistentMarginLoss(p.num("lambda_plus", 1), p.num("lambda_minus", 1), p.num("margin_plus", 0.9), p.num("margin_minus", 0.5));
      }
      default -> {
        if (CLASSIFIER_LOSSES.contains(p.type))
          throw new IllegalArgumentException(p.type + " has weights: build it with Pml.classifierLoss(cfg, numClasses, embeddingSize)");
        throw new UnsupportedOperationException("loss type '" + p.type + "' is not supported");
      }
    };
    p.done();
    return l;
  }

  public static ClassifierLoss classifierLoss(Map<String, Object> cfg, long numClasses, long embeddingSize) {
    Params p = new Params(cfg, "loss");
    p.num("num_classes", numClasses);
    p.num("embedding_size", embeddingSize);
    ClassifierLoss l = switch (p.type) {
      case "CosFaceLoss" -> new CosFaceLoss(numClasses, embeddingSize, p.num("margin", 0.35), p.num("scale", 64));
      case "ArcFaceLoss" -> new ArcFaceLoss(numClasses, embeddingSize, p.num("margin", 28.6), p.num("scale", 64));
      case "SubCenterArcFaceLoss" -> new SubCenterArcFaceLoss(numClasses, embeddingSize, p.num("margin", 28.6),
          p.num("scale", 64), (long) p.num("sub_centers", 3));
      case "NormalizedSoftmaxLoss" -> new NormalizedSoftmaxLoss(numClasses, embeddingSize, p.num("temperature", 0.05));
      case "ProxyAnchorLoss" -> new ProxyAnchorLoss(numClasses, embeddingSize, p.num("margin", 0.1), p.num("alpha", 32));
      default -> throw new IllegalArgumentException(p.type + " is not a classifier loss");
    };
    p.done();
    return l;
  }
}
