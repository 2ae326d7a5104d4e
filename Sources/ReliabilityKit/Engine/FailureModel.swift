import Foundation

/// The time to failure of one FRU: every failure mode of every part inside it competes, and the
/// first to occur wins.
///
/// A part that appears m times in the FRU (eight optical engines on a CPO board) contributes its
/// mode m times: the minimum of m independent copies, with survival S(t)^m.
///
/// The engine asks four questions, all answered exactly:
/// - `probabilityOfFailure(by:)`: P(T <= h) = 1 − Π S_i(h)^(m_i), for the binomial count of the
///   units of a new population that fail within the horizon;
/// - `sampleFirstFailure(by:using:)`: (T, mode) conditioned on T <= h, for those units. Modes are
///   conditioned one at a time: mode i fires before h with probability F_i(h) / P(any of modes
///   i... fires before h), which makes the joint draw exact without rejection;
/// - `sampleFresh(using:)`: (T, mode) for a unit just renewed;
/// - `sampleAfterSurvival(age:using:)`: (T, mode) given T > age, for a unit that was cleaned or
///   flapped but not renewed, so it keeps its age.
struct FailureModel: Sendable {
  struct Mode: Sendable {
    /// Index of the part in the FRU's part list, and of the mode in the part's mode list.
    let part: Int
    let mode: Int
    let distribution: Distribution
    /// How many copies of the part are in the FRU.
    let multiplicity: Int
    /// The mode never fires in the event loop: all its occurrences are aggregated flaps
    /// (see `AggregatedFlaps`). It keeps its index, so its count is reported under its name.
    var never = false
    /// The flaps this mode still simulates are those longer than this (the rest are
    /// aggregated): their durations are drawn conditioned on exceeding it.
    var flapsLongerThan: Hours = 0
  }

  let modes: [Mode]

  init(modes: [Mode]) {
    self.modes = modes
  }

  /// A copy whose mode list has a buffer of its own (for another worker thread).
  func copy() -> FailureModel { FailureModel(modes: modes.map { $0 }) }

  /// S(h)^m for one mode.
  @inline(__always)
  private func survival(_ mode: Mode, _ h: Hours) -> Double {
    if mode.never { return 1 }
    let s = mode.distribution.survival(h)
    return mode.multiplicity == 1 ? s : pow(s, Double(mode.multiplicity))
  }

  /// P(the FRU fails within h of being new).
  func probabilityOfFailure(by h: Hours) -> Double {
    var allSurvive = 1.0
    for mode in modes { allSurvive *= survival(mode, h) }
    return 1 - allSurvive
  }

  /// The minimum of m iid copies of `mode`'s distribution.
  private func sampleMinimum(_ mode: Mode, using source: RandomSource) -> Hours {
    if mode.multiplicity == 1 { return mode.distribution.sample(using: source) }
    if case let .exponential(e) = mode.distribution {
      return -log1p(-source.uniform()) / (e.rate * Double(mode.multiplicity))
    }
    // F_min(t) = 1 − S(t)^m  ⇒  t = F⁻¹(1 − (1 − u)^(1/m)).
    let u = source.uniform()
    return mode.distribution.quantile(-expm1(log1p(-u) / Double(mode.multiplicity)))
  }

  /// The minimum of m copies, conditioned on being <= h.
  private func sampleMinimum(_ mode: Mode, by h: Hours, using source: RandomSource) -> Hours {
    if mode.multiplicity == 1 {
      // The distribution's own truncated sampler is exact and tail-stable.
      return (try? mode.distribution.sample(truncatedTo: 0...h, using: source)) ?? h
    }
    let m = Double(mode.multiplicity)
    if case let .exponential(e) = mode.distribution {
      let rate = e.rate * m
      return min(-log1p(-source.uniform() * -expm1(-rate * h)) / rate, h)
    }
    let fh = 1 - survival(mode, h)
    let u = source.uniform() * fh
    return min(mode.distribution.quantile(-expm1(log1p(-u) / m)), h)
  }

  /// (T, mode) of a new unit conditioned on T <= h.
  /// - Precondition: `probabilityOfFailure(by: h) > 0`.
  func sampleFirstFailure(by h: Hours, using source: RandomSource) -> (time: Hours, mode: Int) {
    // P(some mode in i..<n fires by h), computed from the end.
    var tailSurvival = [Double](repeating: 1, count: modes.count + 1)
    for i in stride(from: modes.count - 1, through: 0, by: -1) { tailSurvival[i] = tailSurvival[i + 1] * survival(modes[i], h) }
    var best: (time: Hours, mode: Int)?
    var conditioned = true  // still conditioned on "at least one of the remaining modes fires by h"
    for (i, mode) in modes.enumerated() {
      let fi = 1 - survival(mode, h)
      let pFires: Double
      if conditioned {
        let pAny = 1 - tailSurvival[i]
        pFires = pAny > 0 ? fi / pAny : 0
      } else {
        pFires = fi
      }
      if source.uniform() < pFires {
        let t = sampleMinimum(mode, by: h, using: source)
        if best == nil || t < best!.time { best = (t, i) }
        conditioned = false
      }
    }
    return best ?? (h, modes.count - 1)
  }

  /// P(the FRU fails within h) for a unit of age `age` that has survived so far.
  func probabilityOfFailure(by h: Hours, age: Hours) -> Double {
    guard age > 0 else { return probabilityOfFailure(by: h) }
    var allSurvive = 1.0
    for mode in modes where !mode.never {
      let now = survival(mode, age)
      allSurvive *= now > 0 ? survival(mode, age + h) / now : 0
    }
    return 1 - allSurvive
  }

  /// (T, mode) of a unit of age `age` conditioned on failing within h; T counts from now.
  /// - Precondition: `probabilityOfFailure(by: h, age: age) > 0`.
  func sampleFirstFailure(by h: Hours, age: Hours, using source: RandomSource) -> (time: Hours, mode: Int) {
    guard age > 0 else { return sampleFirstFailure(by: h, using: source) }
    // The same scheme as for a new unit, on conditional survival ratios.
    func ratio(_ mode: Mode) -> Double {
      if mode.never { return 1 }
      let now = survival(mode, age)
      return now > 0 ? survival(mode, age + h) / now : 0
    }
    var tailSurvival = [Double](repeating: 1, count: modes.count + 1)
    for i in stride(from: modes.count - 1, through: 0, by: -1) { tailSurvival[i] = tailSurvival[i + 1] * ratio(modes[i]) }
    var best: (time: Hours, mode: Int)?
    var conditioned = true
    for (i, mode) in modes.enumerated() {
      let fi = 1 - ratio(mode)
      let pFires: Double
      if conditioned {
        let pAny = 1 - tailSurvival[i]
        pFires = pAny > 0 ? fi / pAny : 0
      } else {
        pFires = fi
      }
      if source.uniform() < pFires {
        let t = sampleMinimum(mode, age: age, by: h, using: source)
        if best == nil || t < best!.time { best = (t, i) }
        conditioned = false
      }
    }
    return best ?? (h, modes.count - 1)
  }

  /// The minimum of m copies of a unit of age `age`, conditioned on falling in (age, age + h];
  /// returned relative to `age`.
  private func sampleMinimum(_ mode: Mode, age: Hours, by h: Hours, using source: RandomSource) -> Hours {
    if case .exponential = mode.distribution { return sampleMinimum(mode, by: h, using: source) }  // memoryless
    if mode.multiplicity == 1 {
      let t = (try? mode.distribution.sample(truncatedTo: age...(age + h), using: source)) ?? (age + h)
      return min(max(t - age, 0), h)
    }
    // S_min(t | > a) = (S(t)/S(a))^m: solve S(t) = S(a)·(1 − u·F)^(1/m) with F the conditional mass.
    let m = Double(mode.multiplicity)
    let sa = mode.distribution.survival(age)
    let mass = 1 - pow(mode.distribution.survival(age + h) / sa, m)
    let u = source.uniform() * mass
    let target = sa * exp(log1p(-u) / m)
    return min(max(mode.distribution.quantile(1 - target) - age, 0), h)
  }

  /// This model with hazards scaled: flap modes by `flap`, hard modes by `hard` (exponential
  /// rates multiplied; Weibull scales divided by the multiplier to the power 1/β). With
  /// `simulateAllFlaps`, flap modes come back whole from `full` (the model before flaps were
  /// split off for counting), so every flap of such a unit is simulated.
  func scaled(flap: Double, hard: Double, isFlap: [Bool], full: FailureModel, simulateAllFlaps: Bool) -> FailureModel {
    func scale(_ mode: Mode, by m: Double) -> Mode {
      guard m != 1, !mode.never else { return mode }
      let distribution: Distribution
      switch mode.distribution {
      case let .exponential(e): distribution = (try? Exponential(rate: e.rate * m)).map(Distribution.exponential) ?? mode.distribution
      case let .weibull(w):
        distribution = (try? Weibull(shape: w.shape, scale: w.scale / pow(m, 1 / w.shape))).map(Distribution.weibull) ?? mode.distribution
      default: distribution = mode.distribution
      }
      var scaled = Mode(part: mode.part, mode: mode.mode, distribution: distribution, multiplicity: mode.multiplicity)
      scaled.flapsLongerThan = mode.flapsLongerThan
      return scaled
    }
    return FailureModel(modes: modes.indices.map { i in
      isFlap[i] ? scale(simulateAllFlaps ? full.modes[i] : modes[i], by: flap) : scale(modes[i], by: hard)
    })
  }

  /// (T, mode) of a unit that has just been renewed (T may exceed any horizon).
  func sampleFresh(using source: RandomSource) -> (time: Hours, mode: Int) {
    var best = (time: Hours.infinity, mode: 0)
    for (i, mode) in modes.enumerated() where !mode.never {
      let t = sampleMinimum(mode, using: source)
      if t < best.time { best = (t, i) }
    }
    return best
  }

  /// (T, mode) of a unit of the given age, conditioned on T > age (it has survived so far).
  func sampleAfterSurvival(age: Hours, using source: RandomSource) -> (time: Hours, mode: Int) {
    guard age > 0 else { return sampleFresh(using: source) }
    var best = (time: Hours.infinity, mode: 0)
    for (i, mode) in modes.enumerated() where !mode.never {
      let t: Hours
      if case let .exponential(e) = mode.distribution {
        t = age - log1p(-source.uniform()) / (e.rate * Double(mode.multiplicity))
      } else if mode.multiplicity == 1 {
        t = (try? mode.distribution.sample(truncatedTo: age...Double.infinity, using: source)) ?? .infinity
      } else {
        // S_min(t | > age) = (S(t)/S(age))^m  ⇒  S(t) = S(age) (1 − u)^(1/m).
        let target = mode.distribution.survival(age) * exp(log1p(-source.uniform()) / Double(mode.multiplicity))
        t = max(age, mode.distribution.quantile(1 - target))
      }
      if t < best.time { best = (t, i) }
    }
    return best
  }
}

/// The start ages of a population installed uniformly over a commissioning ramp: for each of
/// `cells` equal slices of [youngest, youngest + ramp], the probability that a unit of that age
/// fails within the horizon. A unit's age is uniform over the ramp, so the probability that it
/// fails is their mean (the midpoint rule, error O(cells⁻²) for smooth hazards), and the age of
/// a unit that fails is drawn from the slices weighted by it, uniformly within the slice.
struct FleetAges: Sendable {
  let youngest: Hours
  let ramp: Hours
  /// Cumulative failure probabilities of the slices (the last over `cells` is the mean).
  let cumulative: [Double]
  static let cells = 256

  init(model: FailureModel, youngest: Hours, ramp: Hours, horizon: Hours) {
    self.youngest = youngest
    self.ramp = ramp
    var sum = 0.0
    cumulative = (0..<Self.cells).map { i in
      sum += model.probabilityOfFailure(by: horizon, age: youngest + ramp * (Double(i) + 0.5) / Double(Self.cells))
      return sum
    }
  }

  /// P(a unit of the population fails within the horizon).
  var probabilityOfFailure: Double { (cumulative.last ?? 0) / Double(Self.cells) }

  /// The start age of a unit that fails within the horizon.
  func sampleAge(using source: RandomSource) -> Hours {
    let target = source.uniform() * (cumulative.last ?? 0)
    var low = 0, high = cumulative.count - 1
    while low < high {
      let mid = (low + high) / 2
      if cumulative[mid] <= target { low = mid + 1 } else { high = mid }
    }
    return youngest + ramp * (Double(low) + source.uniform()) / Double(Self.cells)
  }
}
