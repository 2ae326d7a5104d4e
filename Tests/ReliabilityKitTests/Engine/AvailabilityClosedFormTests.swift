import Foundation
import Testing
import ReliabilityKit

/// Plain systems against the closed forms of two-state Markov units. The expected values are
/// exact time averages over the horizon, including the transient from an all-up start, so the
/// tolerance is the simulation's confidence interval alone.
@Suite("Engine: availability closed forms", .tags(.statistical))
struct AvailabilityClosedFormTests {
  static let lambda = 1.0 / 100, mu = 1.0 / 10

  static func system(units: String, structure: String, horizon: String, ageing: String = "continues", technicians: Int = 50) -> String {
    """
    horizon: \(horizon)
    ageing_while_down: \(ageing)
    parts:
      unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 100h}}}}
    system:
      units: {\(units)}
      structure: \(structure)
    repair:
      detection: 0
      verification: 0
      technicians: {count: \(technicians)}
      workflows:
        unit-fru: {action: hot-swap, clean_first: false, hands_on: {kind: exponential, mtbf: 10h}}
    """
  }

  /// Time-average over [0, T] of (A + b e^(−st))^n, the availability of n independent units in
  /// series that all start up: Σ_k C(n,k) A^(n−k) b^k (1 − e^(−ksT))/(ksT).
  static func seriesAverage(n: Int, horizon t: Double) -> Double {
    let s = lambda + mu, a = mu / s, b = lambda / s
    var total = pow(a, Double(n)), binomial = 1.0
    for k in 1...n {
      binomial *= Double(n - k + 1) / Double(k)
      total += binomial * pow(a, Double(n - k)) * pow(b, Double(k)) * (-expm1(-Double(k) * s * t)) / (Double(k) * s * t)
    }
    return total
  }

  func availability(_ outcome: TrialOutcome) -> Double { 1 - outcome.systemDownHours / outcome.horizon }

  @Test("one unit: availability μ/(λ+μ), with its transient")
  func singleUnit() throws {
    let s = try scenario(Self.system(units: "u: {part: unit-part}", structure: "{series: [u]}", horizon: "10000h"))
    let values = try perTrial(s, trials: 300, availability)
    // Steady state 0.1/0.11 = 0.90909; the all-up start adds λ/((λ+μ)²T)(1 − e^(−(λ+μ)T)).
    expectMean(values, equals: Self.seriesAverage(n: 1, horizon: 10_000))
    #expect(abs(Self.seriesAverage(n: 1, horizon: 1e12) - 0.1 / 0.11) < 1e-9)
  }

  @Test("series of 5, units ageing while the system is down: (μ/(λ+μ))^5")
  func seriesContinues() throws {
    let s = try scenario(Self.system(units: "u: {part: unit-part, count: 5}", structure: "{series: [u]}", horizon: "10000h"))
    expectMean(try perTrial(s, trials: 300, availability), equals: Self.seriesAverage(n: 5, horizon: 10_000))
  }

  @Test("series of 5, units frozen while the system is down: 1/(1 + 5λ/μ)")
  func seriesFrozen() throws {
    let s = try scenario(Self.system(units: "u: {part: unit-part, count: 5}", structure: "{series: [u]}", horizon: "10000h", ageing: "frozen"))
    // The system is a two-state chain with failure rate 5λ and repair rate μ.
    let rate = 5 * Self.lambda, sum = rate + Self.mu, t = 10_000.0
    let expected = Self.mu / sum + rate / (sum * sum * t) * -expm1(-sum * t)
    let values = try perTrial(s, trials: 300, availability)
    expectMean(values, equals: expected)
    // The two conventions (0.667 frozen, 0.621 ageing) differ by far more than the interval.
    let m = Stats.moments(values)
    #expect(abs(m.mean - Self.seriesAverage(n: 5, horizon: t)) > 10 * Stats.z999 * m.seMean)
  }

  @Test("one of two in parallel: 1 − (λ/(λ+μ))², with its transient")
  func oneOfTwo() throws {
    let s = try scenario(Self.system(units: "u: {part: unit-part, count: 2}", structure: "{parallel: [u]}", horizon: "10000h"))
    let sum = Self.lambda + Self.mu, b = Self.lambda / sum, t = 10_000.0
    // Unavailability b²(1 − e^(−st))² averaged over [0, T].
    let unavailable = b * b * (1 - 2 * -expm1(-sum * t) / (sum * t) + -expm1(-2 * sum * t) / (2 * sum * t))
    expectMean(try perTrial(s, trials: 300, availability), equals: 1 - unavailable)
  }

  @Test("two of three (k-of-n) against the binomial closed form")
  func twoOfThree() throws {
    let s = try scenario(Self.system(units: "u: {part: unit-part, count: 3}", structure: "{k_of_n: {k: 2, of: [u]}}", horizon: "20000h"))
    let a = Self.mu / (Self.lambda + Self.mu)
    let steady = 3 * a * a * (1 - a) + a * a * a
    // The transient is below 1e-4 at this horizon; allow it on top of the interval.
    expectMean(try perTrial(s, trials: 200, availability), equals: steady, extraTolerance: 1e-4)
  }
}

@Suite("Engine: technicians, renewals and replaced boards", .tags(.statistical))
struct RepairClosedFormTests {
  /// Units in parallel with exponential failures and repairs, and `c` technicians.
  static func queueScenario(units n: Int, mtbf: String, technicians c: Int) throws -> Scenario {
    try scenario("""
      horizon: 40000h
      parts:
        unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: \(mtbf)}}}}
      system:
        units: {u: {part: unit-part, count: \(n)}}
        structure: {parallel: [u]}
      repair:
        detection: 0
        verification: 0
        technicians: {count: \(c)}
        workflows:
          unit-fru: {action: hot-swap, clean_first: false, hands_on: {kind: exponential, mtbf: 10h}}
      """)
  }

  /// Mean wait for a technician in the machine-repair (finite-source M/M/c//n) model:
  /// p_k ∝ n!/(n−k)! (λ/μ)^k / (k! for k <= c, c! c^(k−c) beyond); W_q = L_q / (λ(n − L)).
  static func finiteSourceWait(units n: Int, lambda: Double, mu: Double, technicians c: Int) -> Double {
    var weights: [Double] = [], w = 1.0
    for k in 0...n {
      if k > 0 { w *= Double(n - k + 1) * (lambda / mu) / Double(k <= c ? k : c) }
      weights.append(w)
    }
    let total = weights.reduce(0, +)
    let queueLength = (0...n).reduce(0.0) { $0 + Double(max($1 - c, 0)) * weights[$1] / total }
    let busy = (0...n).reduce(0.0) { $0 + Double($1) * weights[$1] / total }
    return queueLength / (lambda * (Double(n) - busy))
  }

  /// Erlang C mean wait of M/M/c with arrival rate Λ and service rate μ.
  static func erlangCWait(arrivalRate: Double, mu: Double, technicians c: Int) -> Double {
    let a = arrivalRate / mu
    var sum = 0.0, term = 1.0
    for k in 0..<c {
      if k > 0 { term *= a / Double(k) }
      sum += term
    }
    let last = term * a / Double(c) * Double(c) / (Double(c) - a)
    let waitProbability = last / (sum + last)
    return waitProbability / (Double(c) * mu - arrivalRate)
  }

  @Test("scarce technicians: waiting time of the finite-source M/M/c//n queue")
  func technicianQueueFiniteSource() throws {
    // 20 units, λ = 1/100 h, one technician, repairs of mean 10 h: a heavily loaded technician.
    let expected = Self.finiteSourceWait(units: 20, lambda: 1.0 / 100, mu: 1.0 / 10, technicians: 1)
    let waits = try perTrial(try Self.queueScenario(units: 20, mtbf: "100h", technicians: 1), trials: 60) {
      $0.technicianWaitHours / Double(max($0.dispatches, 1))
    }
    // The ratio estimator's bias is O(1/dispatches) with ~7,000 dispatches a trial, and the
    // transient from the all-up start lasts a few repair times of 40,000 h: far below the interval.
    expectMean(waits, equals: expected)
  }

  @Test("scarce technicians: Erlang C waiting time for a large fleet")
  func technicianQueueErlangC() throws {
    // 2,000 units with MTBF 20,000 h and two technicians: Λ = 0.1/h, μ = 0.1/h, ρ = 0.5.
    let erlang = Self.erlangCWait(arrivalRate: 0.1, mu: 0.1, technicians: 2)
    #expect(abs(erlang - 10.0 / 3) < 1e-12)
    // The finite population lowers the wait slightly; that difference is part of the tolerance.
    let finite = Self.finiteSourceWait(units: 2000, lambda: 1.0 / 20_000, mu: 0.1, technicians: 2)
    let waits = try perTrial(try Self.queueScenario(units: 2000, mtbf: "20000h", technicians: 2), trials: 60) {
      $0.technicianWaitHours / Double(max($0.dispatches, 1))
    }
    expectMean(waits, equals: erlang, extraTolerance: abs(erlang - finite))
  }

  @Test("Weibull renewals: expected failure count equals the renewal function M(t)")
  func weibullRenewals() throws {
    let s = try scenario("""
      horizon: 3000h
      parts:
        wear: {fru: wear-fru, source: estimate, modes: {out: {distribution: {kind: weibull, shape: 2, scale: 1000h}}}}
      system: {units: {u: {part: wear}}}
      repair:
        detection: 0
        verification: 0
        workflows: {wear-fru: {action: hot-swap, clean_first: false, hands_on: 0}}
      """)
    let weibull = try Weibull(shape: 2, scale: 1000)
    // M(t) = F(t) + ∫ M(t − x) dF(x), on a grid; the step-halving difference bounds the grid error.
    func renewal(step: Double) -> Double {
      let steps = Int(3000 / step)
      let f = (0...steps).map { weibull.cdf(Double($0) * step) }
      var m = [Double](repeating: 0, count: steps + 1)
      for i in 1...steps {
        var sum = f[i]
        for j in 1...i { sum += m[i - j] * (f[j] - f[j - 1]) }
        m[i] = sum
      }
      return m[steps]
    }
    let fine = renewal(step: 1), coarse = renewal(step: 2)
    let counts = try perTrial(s, trials: 4000) { Double($0.failures[0][0]) }
    expectMean(counts, equals: fine, extraTolerance: abs(fine - coarse))
    #expect(fine > 2.5 && fine < 3.5)
  }

  @Test("replacing a board renews every part in it")
  func boardRenewal() throws {
    // Two wear-out parts in one FRU, replaced instantly at each failure. If replacement renews
    // both, failures form a renewal process with inter-failure time min(A, B), whose mean is
    // η Γ(1 + 1/β) / 2^(1/β). If only the failed part were renewed, the survivor's age would
    // carry over and the intervals would be shorter.
    let s = try scenario("""
      horizon: 200000h
      parts:
        asic: {fru: board, source: estimate, modes: {wear: {distribution: {kind: weibull, shape: 5, scale: 1000h}}}}
      system: {units: {b: {part: asic}}}
      repair:
        detection: 0
        verification: 0
        workflows: {board: {action: board-replace, clean_first: false, hands_on: 0, drain: 0}}
      """.replacingOccurrences(of: "modes: {wear:", with: "modes: {wear-a:")
        .replacingOccurrences(of: "scale: 1000h}}}}", with: "scale: 1000h}}, wear-b: {distribution: {kind: weibull, shape: 5, scale: 1000h}}}}"))
    let simulation = try Simulation(scenario: s)
    var intervals: [Double] = []
    for trial in 0..<20 {
      var last = 0.0
      _ = simulation.runTrial(trial, seed: 7) { record in
        guard record.event == "failure" else { return }
        intervals.append(record.tHours - last)
        last = record.tHours
      }
    }
    let expected = 1000 * tgamma(1 + 1.0 / 5) / pow(2, 1.0 / 5)
    expectMean(intervals, equals: expected)
  }
}
