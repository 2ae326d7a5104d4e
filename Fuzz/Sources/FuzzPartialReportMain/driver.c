#include <stddef.h>
#include <stdint.h>
#include "FuzzPartialReportMain.h"

// Defined in Swift (@_cdecl) in the FuzzPartialReport target; provided by libFuzzer (-sanitize=fuzzer).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

// SwiftPM links an executable with main defined as <target>_main; -parse-as-library leaves the
// Swift module without one, so this is it: libFuzzer's driver with the Swift callback.
int FuzzPartialReport_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
