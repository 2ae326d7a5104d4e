import Foundation
import ReportPages

/// The report reader of `cposim report` under libFuzzer: each input is read as a JSON report of
/// any kind (run, comparison, sweep, break-even, sensitivity, calibration) and rendered. A
/// `ReportInputError` is the answer to a malformed report; a trap, a hang or a runaway
/// allocation (a chart scale over -1e308..1e308 once asked for 4.3 GB) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReport(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  do {
    _ = try HTMLReport.render(data: Data(bytes: bytes, count: count), file: "fuzz.json")
  } catch {
    _ = "\(error)"
  }
  return 0
}
