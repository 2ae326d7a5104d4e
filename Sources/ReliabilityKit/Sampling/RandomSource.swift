/// A stream of random numbers owned by exactly one trial.
///
/// `RandomSource` wraps one GSL generator. It is a non-`Sendable` class on purpose: a source
/// belongs to one trial on one thread, and sharing it would make results depend on
/// scheduling. There is no global generator anywhere in cposim.
///
/// The algorithm is GSL's `taus2`, L'Ecuyer's maximally equidistributed combined Tausworthe
/// generator (Math. Comp. 65 (1996) 203–213, with the 1999 seeding fix), period about 2^88.
/// It was chosen by measurement, because every trial seeds a fresh stream: on the project's
/// reference machine seeding costs 8 ns against 877 ns for `mt19937`, and a draw about 2.9 ns
/// against 7 ns (see the Determinism article in ReliabilityKit.docc for the table).
///
/// GSL seeds `taus2` from 32 bits and maps seed 0 onto seed 1, so callers should pass seeds in
/// `1...UInt32.max`; `SeedSequence` produces exactly those.
public final class RandomSource {
  let handle: OpaquePointer
  /// The generator's state inside GSL's allocation, advanced by `Taus2` without a call into GSL.
  private let state: UnsafeMutablePointer<UInt>

  /// The seed this source was started from.
  public let seed: UInt32

  /// Creates a source seeded with `seed`.
  /// - Parameter seed: a 32-bit seed; 0 behaves like 1 (a GSL quirk), so prefer `1...UInt32.max`.
  public init(seed: UInt32) {
    self.seed = seed
    handle = GSL.allocateGenerator()
    state = GSL.taus2State(handle)
    GSL.seed(handle, with: seed)
  }

  deinit {
    GSL.freeGenerator(handle)
  }

  /// Restarts the stream from a new seed, reusing the generator's memory.
  public func reseed(_ seed: UInt32) {
    GSL.seed(handle, with: seed)
  }

  /// Restarts the stream at the substream keyed by `key` (a counter-based substream: the key is
  /// a hash of trial, stream, unit or ticket and draw index, `SeedSequence.substreamKey`): the
  /// taus2 state is set from the key without a call into GSL (`Taus2.seed(_:key:)`), and every
  /// draw after it, GSL's samplers included, continues that substream. The restart itself is
  /// two SplitMix64 rounds and three stores (making the key is two more, `substreamKey`).
  @inline(__always)
  package func restart(key: UInt64) { Taus2.seed(state, key: key) }

  /// The GSL name of the generator algorithm, recorded in every report's provenance.
  public var generatorName: String { GSL.generatorName(handle) }

  /// The generator used by every `RandomSource`, for provenance without allocating one.
  public static let generatorName: String = RandomSource(seed: 1).generatorName

  /// A uniform draw in [0, 1): GSL's `gsl_rng_uniform`, computed inline (`Taus2`).
  @inline(__always)
  public func uniform() -> Double { Taus2.uniform(state) }

  /// A uniform draw in (0, 1): never exactly zero, safe to take a logarithm of
  /// (`gsl_rng_uniform_pos`, inline).
  @inline(__always)
  public func uniformPositive() -> Double {
    var x: Double
    repeat { x = Taus2.uniform(state) } while x == 0
    return x
  }

  /// A uniform integer in `0..<n` (`gsl_rng_uniform_int`, inline).
  /// - Precondition: `1 <= n <= 2^32` (the generator's range).
  @inline(__always)
  public func uniformInt(below n: Int) -> Int {
    precondition(n >= 1 && UInt64(n) <= 1 << 32, "uniformInt(below:) needs 1 <= n <= 2^32, got \(n)")
    return Int(Taus2.uniformInt(state, below: UInt(n)))
  }

  /// A binomial count: how many of `trials` independent units, each failing with
  /// `probability`, fail. Used to draw how many units of a population fail in a horizon.
  ///
  /// GSL counts in 32 bits: more than `UInt32.max` trials are drawn in pieces of at most that
  /// many, whose binomial counts add up to one of all the trials (the same distribution, exactly).
  /// - Precondition: `0 <= probability <= 1` and `trials >= 0`.
  /// - Complexity: O(trials / 2^32) draws.
  public func binomial(trials: Int, probability: Double) -> Int {
    precondition(probability >= 0 && probability <= 1, "binomial probability must be in [0, 1], got \(probability)")
    precondition(trials >= 0, "binomial trials out of range: \(trials)")
    if trials == 0 || probability == 0 { return 0 }
    var left = trials, count = 0
    while left > 0 {
      let piece = min(left, Int(UInt32.max))
      count += Int(GSL.binomial(handle, probability: probability, trials: UInt32(piece)))
      left -= piece
    }
    return count
  }

  /// The largest mean drawn in one piece by `poisson(mean:)`: its draws stay far below 2^32.
  static let poissonPiece = 1e9

  /// A Poisson count with the given mean.
  ///
  /// GSL counts in 32 bits: a mean above 1e9 is drawn as the sum of Poisson counts of equal
  /// means of at most 1e9 (the same distribution, exactly).
  /// - Precondition: `mean` is finite and not negative.
  /// - Complexity: O(mean / 1e9) draws.
  public func poisson(mean: Double) -> Int {
    precondition(mean >= 0 && mean.isFinite, "Poisson mean must be finite and >= 0, got \(mean)")
    if mean == 0 { return 0 }
    guard mean > Self.poissonPiece else { return Int(GSL.poisson(handle, mean: mean)) }
    let pieces = (mean / Self.poissonPiece).rounded(.up)
    var count = 0
    for _ in 0..<Int(pieces) { count += Int(GSL.poisson(handle, mean: mean / pieces)) }
    return count
  }

  /// A standard normal draw (mean 0, standard deviation 1).
  public func standardNormal() -> Double { GSL.standardNormal(handle) }
}

extension RandomSource: RandomNumberGenerator {
  /// 64 random bits built from two 32-bit outputs, so Swift's own algorithms
  /// (`shuffled(using:)`, `randomElement(using:)`) can draw from the trial's stream.
  public func next() -> UInt64 {
    let high = UInt64(Taus2.next(state) & 0xFFFF_FFFF)
    let low = UInt64(Taus2.next(state) & 0xFFFF_FFFF)
    return high << 32 | low
  }
}
