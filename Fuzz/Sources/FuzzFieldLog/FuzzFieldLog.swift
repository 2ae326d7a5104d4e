import Foundation
import ReliabilityKit

/// The field-log reader under libFuzzer: each input is parsed as a CSV field log and, when it
/// holds a few failures, fitted (the likelihood and the optimiser see hostile numbers too). An
/// input error or a fit that does not converge is an answer; a trap or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFieldLog(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  do {
    let log = try FieldLog.parse(text, file: "fuzz.csv")
    let data = log.data()
    if log.rows.count <= 500 {
      for family in [MaximumLikelihood.Family.exponential, .weibull] {
        _ = try? MaximumLikelihood.fit(family, data: data)
      }
    }
  } catch {
    _ = "\(error)"
  }
  return 0
}
