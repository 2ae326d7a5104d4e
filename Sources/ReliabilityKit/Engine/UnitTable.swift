/// The state of the units of one population that have failed at least once, keyed by unit
/// index: an open-addressing hash table with linear probing and Fibonacci hashing.
///
/// A trial touches only the units that fail (a few thousand of a population of 655,000), so
/// a dense array would cost more to allocate than the simulation; a `Dictionary` costs a
/// SipHash per access, which was the largest single cost of a 128k-GPU trial.
struct UnitTable<Value> {
  private var keys: [Int]
  private var values: [Value]
  private let empty: Value
  private var shift: UInt64
  private(set) var count = 0

  /// - Parameter empty: the state of a unit never seen (returned for absent keys).
  init(empty: Value) {
    self.empty = empty
    keys = [Int](repeating: -1, count: 8)
    values = [Value](repeating: empty, count: 8)
    shift = 64 - 3
  }

  @inline(__always)
  private func slot(of key: Int) -> Int {
    Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The state of unit `key` (the `empty` state when it was never set).
  /// - Precondition: `key >= 0`.
  subscript(key: Int) -> Value {
    get {
      var i = slot(of: key)
      let mask = keys.count - 1
      while true {
        let k = keys[i]
        if k == key { return values[i] }
        if k < 0 { return empty }
        i = (i + 1) & mask
      }
    }
    set {
      var i = slot(of: key)
      let mask = keys.count - 1
      while true {
        let k = keys[i]
        if k == key { values[i] = newValue; return }
        if k < 0 { break }
        i = (i + 1) & mask
      }
      keys[i] = key
      values[i] = newValue
      count += 1
      if count * 2 > keys.count { grow() }
    }
  }

  private mutating func grow() {
    let oldKeys = keys, oldValues = values
    keys = [Int](repeating: -1, count: oldKeys.count * 2)
    values = [Value](repeating: empty, count: oldKeys.count * 2)
    shift -= 1
    let mask = keys.count - 1
    for (j, key) in oldKeys.enumerated() where key >= 0 {
      var i = slot(of: key)
      while keys[i] >= 0 { i = (i + 1) & mask }
      keys[i] = key
      values[i] = oldValues[j]
    }
  }
}
