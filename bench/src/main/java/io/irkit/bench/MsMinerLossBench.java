package io.irkit.bench;

import io.irkit.kernels.MultiSimilarityLoss;
import io.irkit.kernels.MultiSimilarityMiner;

/**
 * Headline: MultiSimilarityMiner(0.1) + MultiSimilarityLoss(2, 50, 0.5), cosine, forward +
 * backward. The baseline passes the mined pairs on as masks (PML turns its index tuples back into
 * masks inside the loss; skipping that round trip only helps the baseline).
 */
public class MsMinerLossBench extends BatchBench {
  @Override
  protected void prepare() {
    MultiSimilarityMiner miner = new MultiSimilarityMiner(0.1);
    MultiSimilarityLoss loss = new MultiSimilarityLoss(2, 50, 0.5);
    kernels(() -> loss.mineAndCompute(ctx, w.emb, w.labels, miner, null, null),
        () -> Autograd.run(x -> TorchLosses.multiSimilarity(x[0], w.labels,
            TorchMiners.multiSimilarity(x[0], w.labels, 0.1), 2, 50, 0.5), w.emb));
  }
}
