package io.irkit.trainer.model.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** Reads a weight file of either supported format, told apart by its first bytes. */
public final class WeightFiles {
  private WeightFiles() {}

  /** Name to tensor from a torch.save zip checkpoint (.pth/.pt) or a .safetensors file. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "weights file not found");
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(9);
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
      return TorchCheckpointReader.read(file);
    if (SafetensorsReader.looksLikeSafetensors(head, Files.size(file))) return SafetensorsReader.read(file);
    if (file.toString().endsWith(".safetensors")) return SafetensorsReader.read(file); // for its precise error
    String legacy = head.length > 0 && (head[0] & 0xff) == 0x80 ? " (an old torch.save file? re-save it with torch >= 1.6)" : "";
    throw new IOException(file + " is neither a PyTorch zip checkpoint (torch.save) nor a safetensors file" + legacy);
  }
}
