/// Derives one generator seed per trial (and per named stream) from a master seed.
///
/// The contract (Determinism article in ReliabilityKit.docc): a result is a pure function of the inputs, the master
/// seed, the trial count and the tool version. Trial `i` always gets the same seed whatever
/// thread or machine runs it.
///
/// The derivation is
/// ```
/// base  = low 32 bits of SplitMix64(master ^ SplitMix64(stream))
/// x     = 1 + (base + i) mod (2^32 - 1)          // in 1...2^32-1
/// seed  = fmix32(x)                               // MurmurHash3 finaliser
/// ```
/// `fmix32` is a bijection on 32-bit integers that maps 0 to 0 and nothing else to 0, so
/// seeds are never 0 (which GSL would silently replace) and trial seeds never repeat within a
/// stream for up to 2^32 - 1 trials, while neighbouring trials get well-scrambled seeds rather
/// than consecutive integers.
public struct SeedSequence: Sendable, Hashable {
  /// The master seed given by the user (`--seed` or the scenario's `seed`).
  public let master: UInt64

  public init(master: UInt64) {
    self.master = master
  }

  /// The generator seed of trial `index` in the default stream.
  public func seed(forTrial index: Int) -> UInt32 {
    seed(forTrial: index, stream: 0)
  }

  /// The generator seed of trial `index` in a named stream. Streams let one trial draw
  /// independent sequences for independent purposes (for example one per part, so two
  /// scenarios that share a part see the same draws for it: common random numbers).
  public func seed(forTrial index: Int, stream: UInt64) -> UInt32 {
    precondition(index >= 0, "trial index must not be negative, got \(index)")
    let base = UInt64(UInt32(truncatingIfNeeded: SeedSequence.splitMix64(master ^ SeedSequence.splitMix64(stream))))
    let x = UInt32(1 + (base + UInt64(index)) % UInt64(UInt32.max))
    return SeedSequence.fmix32(x)
  }

  /// The 64-bit base of trial `index`'s counter-based substreams in a named stream (exact
  /// common random numbers, the Determinism article): every substream of that trial and stream
  /// is keyed from it with `substreamKey(_:_:_:)`, so a draw depends on (master seed, trial,
  /// stream, unit or ticket, draw index) and not on the order in which the trial's events ran.
  package func substreamBase(forTrial index: Int, stream: UInt64) -> UInt64 {
    precondition(index >= 0, "trial index must not be negative, got \(index)")
    return SeedSequence.splitMix64(SeedSequence.splitMix64(master ^ SeedSequence.splitMix64(stream)) &+ UInt64(index))
  }

  /// The key of the substream `(a, b)` under `base` (two rounds of SplitMix64's mixer), for
  /// `RandomSource.restart(key:)`: for example a, b = a unit and (its draw index, the draw site).
  @inline(__always)
  package static func substreamKey(_ base: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
    splitMix64(splitMix64(base ^ a) ^ b)
  }

  /// A stream key from a name, stable across runs and platforms (FNV-1a, 64 bit).
  public static func streamKey(_ name: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
  }

  /// SplitMix64's output function (Steele, Lea, Flood, OOPSLA 2014): a strong 64-bit mixer.
  public static func splitMix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// MurmurHash3's 32-bit finaliser: a bijection with fmix32(0) == 0.
  public static func fmix32(_ value: UInt32) -> UInt32 {
    var h = value
    h ^= h >> 16
    h = h &* 0x85EB_CA6B
    h ^= h >> 13
    h = h &* 0xC2B2_AE35
    h ^= h >> 16
    return h
  }
}
