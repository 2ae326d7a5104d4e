/// An exact sum of doubles: a fixed-point superaccumulator covering the whole range of `Double`
/// (2^-1074 to 2^1024) in 32-bit limbs.
///
/// Adding is exact, so the sum does not depend on the order of additions or on how the terms
/// were split and merged: statistics merged from any split of the trials are bit-identical to
/// the single run. Converting to `Double` happens once, at the end. (The technique is the
/// "long accumulator" of Kulisch; see also Neal, "Fast exact summation using small and large
/// superaccumulators", 2015.)
struct ExactSum: Sendable, Equatable, Codable {
  static let limbBits = 32
  static let offset = 1074  // bit position of 2^0
  static let limbCount = (offset + 1024 + 64) / limbBits + 2

  private var limbs = [Int64](repeating: 0, count: ExactSum.limbCount)
  private var pending = 0
  /// Set when a non-finite value was added; the sum is then NaN.
  private var nonFinite = false

  init() {}

  mutating func add(_ x: Double) {
    guard x.isFinite else { nonFinite = true; return }
    guard x != 0 else { return }
    // x = ±m · 2^e with m a 53-bit integer.
    let m = x.significandBitPattern | (x.exponentBitPattern == 0 ? 0 : 1 << 52)
    let e = (x.exponentBitPattern == 0 ? 1 : Int(x.exponentBitPattern)) - 1075
    let position = e + Self.offset
    var index = position / Self.limbBits
    var wide = UInt64(m)
    let shift = position % Self.limbBits
    // Spread m << shift over up to three limbs.
    let sign: Int64 = x < 0 ? -1 : 1
    let low = (wide << UInt64(shift)) & 0xFFFF_FFFF
    limbs[index] += sign * Int64(low)
    wide = shift == 0 ? wide >> 32 : wide >> UInt64(Self.limbBits - shift)
    while wide != 0 {
      index += 1
      limbs[index] += sign * Int64(wide & 0xFFFF_FFFF)
      wide >>= 32
    }
    pending += 1
    if pending >= 1 << 20 { normalize() }
  }

  mutating func merge(_ other: ExactSum) {
    nonFinite = nonFinite || other.nonFinite
    for i in limbs.indices { limbs[i] += other.limbs[i] }
    pending += other.pending + 1
    normalize()
  }

  /// Canonical form: every limb but the top in [0, 2^32); the top carries the sign.
  private mutating func normalize() {
    var carry: Int64 = 0
    for i in 0..<(limbs.count - 1) {
      let v = limbs[i] + carry
      carry = v >> 32  // arithmetic shift: floor division
      limbs[i] = v & 0xFFFF_FFFF
    }
    limbs[limbs.count - 1] += carry
    pending = 0
  }

  /// The sum as a `Double` (a deterministic function of the exact sum): the magnitude is
  /// converted from the most significant limb down, then the sign applied.
  var value: Double {
    if nonFinite { return .nan }
    var copy = self
    copy.normalize()
    let negative = copy.limbs[copy.limbs.count - 1] < 0
    if negative {
      // Two's complement negation across limbs, then renormalise.
      for i in copy.limbs.indices { copy.limbs[i] = -copy.limbs[i] }
      copy.normalize()
    }
    var total = 0.0
    for i in stride(from: copy.limbs.count - 1, through: 0, by: -1) where copy.limbs[i] != 0 {
      total += Double(copy.limbs[i]) * Double(sign: .plus, exponent: i * Self.limbBits - Self.offset, significand: 1)
    }
    return negative ? -total : total
  }

  /// Encoded as the non-zero limbs of the canonical form, `[[index, value], ...]`, plus a
  /// non-finite flag: exact, and small.
  func encode(to encoder: any Encoder) throws {
    var copy = self
    copy.normalize()
    var container = encoder.unkeyedContainer()
    try container.encode(copy.nonFinite)
    for (i, limb) in copy.limbs.enumerated() where limb != 0 { try container.encode([Int64(i), limb]) }
  }

  init(from decoder: any Decoder) throws {
    var container = try decoder.unkeyedContainer()
    nonFinite = try container.decode(Bool.self)
    while !container.isAtEnd {
      let pair = try container.decode([Int64].self)
      guard pair.count == 2, pair[0] >= 0, Int(pair[0]) < Self.limbCount else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "bad limb \(pair)")
      }
      limbs[Int(pair[0])] = pair[1]
    }
  }

  static func == (lhs: ExactSum, rhs: ExactSum) -> Bool {
    var a = lhs, b = rhs
    a.normalize()
    b.normalize()
    return a.limbs == b.limbs && a.nonFinite == b.nonFinite
  }
}
