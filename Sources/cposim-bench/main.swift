// In-process kernels for `make bench`: nanoseconds per draw of cposim's samplers, the same
// draws as bench/c/sampler.c (taus2, the same seed and parameters), through the distribution
// structs and through the `Distribution` enum the engine holds. The sums must equal the C
// program's: that proves both sides drew the same numbers.
//
//   cposim-bench sampler [N [KERNEL]]     (KERNEL: one of the names printed, for callgrind)
import Foundation
import ReliabilityKit

let repeats = 7

func measure(_ name: String, draws n: Int, only: String?, _ draw: (RandomSource) -> Double) {
  if let only, only != name { return }
  let source = RandomSource(seed: 20261125)
  var ns: [Double] = []
  var sum = 0.0
  for _ in 0..<repeats {
    source.reseed(20261125)
    sum = 0
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<n { sum += draw(source) }
    ns.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n))
  }
  ns.sort()
  print(name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%8.2f ns/draw  sum %.17g", ns[repeats / 2], sum))
}

func sampler(draws n: Int, only: String?) throws {
  let exponential = try Exponential(mtbf: 10000)
  let weibull = try Weibull(shape: 1.5, scale: 50000)
  let lognormal = try LogNormal(mu: log(20.0), sigma: 0.8)
  measure("exponential", draws: n, only: only) { exponential.sample(using: $0) }
  measure("weibull", draws: n, only: only) { weibull.sample(using: $0) }
  measure("lognormal", draws: n, only: only) { lognormal.sample(using: $0) }
  let enumerated: [(String, Distribution)] = [
    ("exponential", .exponential(exponential)), ("weibull", .weibull(weibull)), ("lognormal", .logNormal(lognormal)),
  ]
  for (name, d) in enumerated { measure("\(name)-enum", draws: n, only: only) { d.sample(using: $0) } }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "sampler":
  let n = arguments.dropFirst().first.flatMap { Int($0) } ?? 10_000_000
  do { try sampler(draws: n, only: arguments.dropFirst(2).first) } catch { FileHandle.standardError.write(Data("error: \(error)\n".utf8)); exit(1) }
default:
  FileHandle.standardError.write(Data("usage: cposim-bench sampler [DRAWS [KERNEL]]\n".utf8))
  exit(2)
}
