/// GSL's `taus2` generator step, in Swift so that a draw is a few inlined instructions rather
/// than two calls into GSL (`gsl_rng_uniform`, then the generator's `get_double` through a
/// function pointer).
///
/// It advances the state inside GSL's own generator (`GSL.taus2State`), so draws taken here and
/// by GSL's samplers (binomial, Poisson, normal, the distributions' GSL calls) interleave as one
/// sequence: the numbers are GSL's, bit for bit (`RandomSourceTests` checks them against GSL's
/// functions for several seeds). GSL keeps the seeding (`gsl_rng_set`), the samplers, the
/// quantiles, the CDFs and the minimisers.
///
/// The recurrence is L'Ecuyer's maximally equidistributed combined Tausworthe generator (Math.
/// Comp. 65 (1996) 203–213), as GSL's `rng/taus.c` writes it: three 32-bit words, each shifted
/// and masked, their exclusive or the output.
enum Taus2 {
  /// The next 32-bit output (`taus_get`), advancing the three words at `s`.
  @inline(__always)
  static func next(_ s: UnsafeMutablePointer<UInt>) -> UInt {
    let mask: UInt = 0xFFFF_FFFF
    @inline(__always)
    func step(_ x: UInt, _ a: UInt, _ b: UInt, _ c: UInt, _ d: UInt) -> UInt {
      (((x & c) << d) & mask) ^ ((((x << a) & mask) ^ x) >> b)
    }
    let s1 = step(s[0], 13, 19, 4_294_967_294, 12)
    let s2 = step(s[1], 2, 25, 4_294_967_288, 4)
    let s3 = step(s[2], 3, 11, 4_294_967_280, 17)
    s[0] = s1
    s[1] = s2
    s[2] = s3
    return s1 ^ s2 ^ s3
  }

  /// Sets the three words at `s` from a 64-bit substream key (common random numbers, the
  /// Determinism article): two outputs of SplitMix64 started at the key give 96 bits, of which
  /// each word keeps 32, raised as GSL's `taus_set` raises them (s1 > 1, s2 > 7, s3 > 15, so no
  /// component is stuck at zero). The state space is taus2's (about 2^88), not the 2^32 of a
  /// 32-bit seed, so the hundreds of thousands of substreams of one trial do not collide (with
  /// 32-bit seeds about n^2/2^33 pairs would: tens per 128k trial). No warm-up steps: the words
  /// come from a strong mixer, not from GSL's linear congruential seeding whose first outputs
  /// GSL discards. `SubstreamTests` checks pooled first draws (Kolmogorov-Smirnov) and the
  /// correlation of adjacent keys.
  @inline(__always)
  static func seed(_ s: UnsafeMutablePointer<UInt>, key: UInt64) {
    let a = SeedSequence.splitMix64(key)
    let b = SeedSequence.splitMix64(key &+ 0x9E37_79B9_7F4A_7C15)
    let s1 = UInt(a & 0xFFFF_FFFF), s2 = UInt(a >> 32), s3 = UInt(b & 0xFFFF_FFFF)
    s[0] = s1 < 2 ? s1 + 2 : s1
    s[1] = s2 < 8 ? s2 + 8 : s2
    s[2] = s3 < 16 ? s3 + 16 : s3
  }

  /// A uniform draw in [0, 1) (`taus_get_double`: the output over 2^32).
  @inline(__always)
  static func uniform(_ s: UnsafeMutablePointer<UInt>) -> Double {
    Double(next(s)) / 4_294_967_296.0
  }

  /// A uniform integer in `0..<n` (`gsl_rng_uniform_int`: the output divided by the range over
  /// n, rejecting quotients of n and above).
  /// n = 2^32 is beyond GSL's range (2^32 − 1): GSL reports an error (its handler is off) and
  /// returns 0, drawing nothing, and so does this.
  @inline(__always)
  static func uniformInt(_ s: UnsafeMutablePointer<UInt>, below n: UInt) -> UInt {
    let range: UInt = 0xFFFF_FFFF
    guard n <= range, n > 0 else { return 0 }
    let scale = range / n
    var k: UInt
    repeat { k = next(s) / scale } while k >= n
    return k
  }
}
