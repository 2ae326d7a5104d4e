import Foundation

/// The reliability structure of a plain system: which units must be up for the system to be up.
public indirect enum Topology: Sendable, Hashable {
  /// One named unit (all its copies, when the unit has a count, in the enclosing block).
  case unit(String)
  /// Up when every block is up.
  case series([Topology])
  /// Up when at least one block is up.
  case parallel([Topology])
  /// Up when at least `k` of the blocks are up.
  case kOutOfN(k: Int, of: [Topology])

  /// Unit names referenced anywhere in the structure.
  public var unitNames: [String] {
    switch self {
    case let .unit(name): [name]
    case let .series(blocks), let .parallel(blocks), let .kOutOfN(_, blocks): blocks.flatMap(\.unitNames)
    }
  }

  /// Steady-state availability of the structure when unit copies are independent and each has
  /// the given availability: series multiply, parallel is 1 − Π(1 − Aᵢ), k-of-n sums the
  /// probabilities of at least k up (by dynamic programming over blocks).
  /// - Parameters:
  ///   - availability: availability of one copy of each unit.
  ///   - counts: copies of each unit.
  public func availability(unitAvailability availability: [String: Double], counts: [String: Int]) -> Double {
    switch self {
    case let .unit(name):
      // Inside a series (or at the root) a counted unit means all copies in series.
      let a = availability[name] ?? 1
      return pow(a, Double(counts[name] ?? 1))
    case let .series(blocks):
      return blocks.reduce(1) { $0 * $1.availability(unitAvailability: availability, counts: counts) }
    case let .parallel(blocks):
      let copies = expanded(blocks, availability: availability, counts: counts)
      return 1 - copies.reduce(1) { $0 * (1 - $1) }
    case let .kOutOfN(k, blocks):
      let copies = expanded(blocks, availability: availability, counts: counts)
      // up[j] = probability that exactly j of the blocks seen so far are up.
      var up = [1.0] + [Double](repeating: 0, count: copies.count)
      for (seen, a) in copies.enumerated() {
        for j in stride(from: seen + 1, through: 1, by: -1) { up[j] = up[j] * (1 - a) + up[j - 1] * a }
        up[0] *= (1 - a)
      }
      return up[k...].reduce(0, +)
    }
  }

  /// In a parallel or k-of-n block, a unit with a count stands for that many separate blocks.
  private func expanded(_ blocks: [Topology], availability: [String: Double], counts: [String: Int]) -> [Double] {
    blocks.flatMap { block -> [Double] in
      if case let .unit(name) = block {
        return [Double](repeating: availability[name] ?? 1, count: counts[name] ?? 1)
      }
      return [block.availability(unitAvailability: availability, counts: counts)]
    }
  }
}

