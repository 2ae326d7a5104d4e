/// Values kept at stable positions, where the position of a value that is done with goes to the
/// next value stored: the event queue's payloads and the repair desk's tickets. The array then
/// holds what is in use at once, not everything ever stored.
struct Slots<Element> {
  /// Every position, in use or free (a free one keeps its last value until it is reused).
  private(set) var storage: [Element] = []
  private var free: [Int] = []

  /// Stores `element` at a free position, or a new one, and returns the position.
  @inline(__always)
  mutating func insert(_ element: Element) -> Int {
    if let slot = free.popLast() {
      storage[slot] = element
      return slot
    }
    storage.append(element)
    return storage.count - 1
  }

  /// Gives `slot` to a later `insert`.
  @inline(__always)
  mutating func release(_ slot: Int) { free.append(slot) }

  @inline(__always)
  subscript(slot: Int) -> Element {
    get { storage[slot] }
    _modify { yield &storage[slot] }
  }
}
