import Foundation
import Testing
import ReliabilityKit

@Suite("Fitting", .tags(.statistical))
struct MaximumLikelihoodTests {
  /// Synthetic censored data: each unit observed for a uniform window, censored beyond it.
  static func censoredSample(_ d: some FailureDistribution, n: Int, window: ClosedRange<Double>, seed: UInt32) -> ([Double], [Double]) {
    let source = RandomSource(seed: seed)
    var failures: [Double] = [], censored: [Double] = []
    for _ in 0..<n {
      let life = d.sample(using: source), end = window.lowerBound + source.uniform() * (window.upperBound - window.lowerBound)
      if life <= end { failures.append(life) } else { censored.append(end) }
    }
    return (failures, censored)
  }

  func expectCovers(_ fit: MaximumLikelihood.Fit, _ name: String, _ truth: Double) {
    let parameter = fit.parameters.first { $0.name == name }!
    let interval = parameter.ci95!
    #expect(interval.contains(truth), "\(fit.family) \(name): \(truth) outside \(interval)")
  }

  @Test("Weibull parameters are recovered within their 95% intervals from censored data")
  func weibull() throws {
    let (f, c) = Self.censoredSample(try Weibull(shape: 1.8, scale: 20_000), n: 400, window: 5000...25_000, seed: 11)
    let fit = try MaximumLikelihood.fit(.weibull, failures: f, censored: c)
    #expect(fit.converged)
    expectCovers(fit, "shape", 1.8)
    expectCovers(fit, "scale_hours", 20_000)
  }

  @Test("lognormal parameters are recovered within their 95% intervals from censored data")
  func lognormal() throws {
    let (f, c) = Self.censoredSample(try LogNormal(median: 40_000, sigma: 0.9), n: 400, window: 30_000...30_000, seed: 12)
    let fit = try MaximumLikelihood.fit(.lognormal, failures: f, censored: c)
    expectCovers(fit, "mu", log(40_000))
    expectCovers(fit, "sigma", 0.9)
  }

  @Test("gamma parameters are recovered within their 95% intervals from censored data")
  func gamma() throws {
    let (f, c) = Self.censoredSample(try Gamma(shape: 2.5, scale: 4000), n: 400, window: 8000...20_000, seed: 13)
    let fit = try MaximumLikelihood.fit(.gamma, failures: f, censored: c)
    expectCovers(fit, "shape", 2.5)
    expectCovers(fit, "scale_hours", 4000)
  }

  @Test("the exponential fit is the closed form r / T with ln L = r ln λ − λT")
  func exponential() throws {
    let fit = try MaximumLikelihood.fit(.exponential, failures: [100, 300, 600], censored: [1000, 1000])
    let rate = 3.0 / 3000
    #expect(close(fit.parameters[0].estimate, rate, 1e-15))
    #expect(close(fit.logLikelihood, 3 * log(rate) - rate * 3000, 1e-12))
    #expect(close(fit.aic, 2 - 2 * fit.logLikelihood, 1e-12))
    #expect(close(fit.bic, log(5.0) - 2 * fit.logLikelihood, 1e-12))
  }

  @Test("the 95% intervals cover the true Weibull shape at about the stated rate")
  func coverage() throws {
    var covered = 0
    let runs = 200
    for seed in 0..<runs {
      let (f, c) = Self.censoredSample(try Weibull(shape: 1.5, scale: 1000), n: 60, window: 500...2000, seed: UInt32(1000 + seed))
      if try MaximumLikelihood.fit(.weibull, failures: f, censored: c).parameters[0].ci95!.contains(1.5) { covered += 1 }
    }
    // Wald intervals at n = 60 are approximate; the binomial 99.9% band around 0.95 is ± 0.05.
    let rate = Double(covered) / Double(runs)
    #expect(abs(rate - 0.95) <= Stats.z999 * (0.95 * 0.05 / Double(runs)).squareRoot(), "coverage \(rate)")
  }

  @Test("no failures at all is a clear error")
  func noFailures() {
    #expect(throws: MaximumLikelihood.FitError.noFailures(censored: 3)) {
      try MaximumLikelihood.fit(.weibull, failures: [], censored: [1, 2, 3])
    }
  }

  @Test("Kaplan–Meier and median ranks follow their definitions")
  func nonParametric() {
    // Failures at 1, 3; censored at 2; n = 3.
    let km = NonParametric.kaplanMeier(failures: [1, 3], censored: [2])
    #expect(close(km[0].survival, 2.0 / 3, 1e-15) && km[1].survival == 0)
    #expect(km.map(\.atRisk) == [3, 1])
    let ranks = NonParametric.medianRanks(failures: [1, 3], censored: [2])
    // Johnson: first rank 1; the next adjusted rank 1 + (4 − 1)/(1 + 1) = 2.5; Benard (j − 0.3)/(n + 0.4).
    #expect(close(ranks[0].unreliability, 0.7 / 3.4, 1e-14) && close(ranks[1].unreliability, 2.2 / 3.4, 1e-14))
  }
}

@Suite("Field logs")
struct FieldLogTests {
  func errors(_ text: String) -> [String] {
    do {
      _ = try FieldLog.parse(text, file: "log.csv")
      return []
    } catch {
      return error.errors.map(\.description)
    }
  }

  @Test("reads hours, durations and timestamps, with comments and quoted fields")
  func reads() throws {
    let log = try FieldLog.parse("""
      # synthetic
      id,time,failed,mode
      a,2d,true,laser
      "b,1",30m,no,
      """, file: "log.csv")
    #expect(log.rows.map(\.hours) == [48, 0.5])
    #expect(log.rows[1].id == "b,1" && log.rows[0].mode == "laser")
    let stamps = try FieldLog.parse("id,installed,removed,failed\nx,2024-03-01T00:00:00Z,2024-03-02T12:00:00Z,1\n", file: "t.csv")
    #expect(stamps.rows[0].hours == 36)
    let sample = log.sample(mode: "laser")
    #expect(sample.failures == [48] && sample.censored == [0.5])
  }

  @Test("every malformed row is reported with its line number, in one go")
  func allRowErrors() {
    let lines = errors("""
      id,hours,failed
      a,10,true
      b,-5,true
      c,abc,false
      d,7,maybe
      a,3,true
      e,1
      """)
    #expect(lines == [
      "log.csv:3: hours: time on test must not be negative (got -5 h)",
      "log.csv:4: hours: must be a number of hours (got 'abc')",
      "log.csv:5: failed: must be true or false (got 'maybe')",
      "log.csv:6: id: 'a' already appears on line 2",
      "log.csv:7: expected 3 fields (id, hours, failed), got 2",
    ])
  }

  @Test("header problems: unknown column with a suggestion, missing columns")
  func header() {
    #expect(errors("id,hour,failed\na,1,true\n").first?.hasPrefix("log.csv:1: hour: unknown column 'hour' (did you mean 'hours'?)") == true)
    #expect(errors("id,hours\na,1\n") == ["log.csv:1: failed: missing column 'failed'"])
    #expect(errors("") == ["log.csv:1: the file is empty: expected a header row such as id,hours,failed,mode"])
  }

  @Test("the shipped synthetic logs read and fit")
  func shippedLogs() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FailureData/field")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }
    #expect(files.count >= 3)
    for file in files {
      let log = try FieldLog.read(path: folder.appendingPathComponent(file).path)
      let (f, c) = log.sample()
      #expect(try MaximumLikelihood.fit(.weibull, failures: f, censored: c).converged)
    }
  }
}
