#include "cpu/loss_common.h"

namespace irk {

void check_loss_out(const irk_loss_out* out) {
  check_ptr(out, "out");
  check_ptr(out->loss, "out.loss");
}

}  // namespace irk
