import Foundation
import ReliabilityKit

/// The partial-report reader of `cposim merge` and `run --resume` under libFuzzer: each input is
/// read as a shard's partial report (kind, schema version, then the whole and its invariants)
/// and, when it reads, merged with itself as shard set of one. A `MergeError` is the answer to a
/// tampered or truncated part; a trap or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPartialReport(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  do {
    let part = try PartialReport.parse(Data(bytes: bytes, count: count), path: "fuzz.json")
    _ = try PartialReport.merge([("fuzz.json", part)])
  } catch {
    _ = "\(error)"
  }
  return 0
}
