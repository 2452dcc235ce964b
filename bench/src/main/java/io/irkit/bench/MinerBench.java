package io.irkit.bench;

import io.irkit.kernels.BatchEasyHardMiner;
import io.irkit.kernels.BatchHardMiner;
import io.irkit.kernels.Miner;
import io.irkit.kernels.MultiSimilarityMiner;
import io.irkit.kernels.PairMarginMiner;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Param;

/** Each B^2 miner with PML's defaults: irkit's tuples vs PML's index tuples from LibTorch ops. */
public class MinerBench extends BatchBench {
  @Param({"multiSimilarity", "batchHard", "pairMargin", "batchEasyHard"})
  public String miner;

  @Override
  protected void prepare() {
    switch (miner) {
      case "multiSimilarity" -> mine(new MultiSimilarityMiner(0.1),
          () -> TorchMiners.indices(TorchMiners.multiSimilarity(w.emb, w.labels, 0.1)));
      case "batchHard" -> mine(new BatchHardMiner(), () -> TorchMiners.batchHard(w.emb, w.labels));
      case "pairMargin" -> mine(new PairMarginMiner(0.2, 0.8), () -> TorchMiners.pairMargin(w.emb, w.labels, 0.2, 0.8));
      case "batchEasyHard" -> mine(new BatchEasyHardMiner(), () -> TorchMiners.batchEasyHard(w.emb, w.labels));
      default -> throw new IllegalArgumentException("unknown miner " + miner);
    }
  }

  private void mine(Miner irkit, Supplier<Object> libtorch) {
    kernels(() -> irkit.mine(ctx, w.emb, w.labels, null, null), libtorch);
  }
}
