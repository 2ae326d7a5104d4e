import Testing
@testable import ReliabilityKit

@Suite("Repair resources")
struct RepairResourcesTests {
  @Test("8x5 shifts: Monday to Friday, 08:00 to 16:00, the horizon starting on a Monday at 00:00")
  func shifts() {
    let calendar = RepairCalendar(shift: .eightFive, window: nil)
    #expect(!calendar.onShift(7.99) && calendar.onShift(8) && calendar.onShift(15.99) && !calendar.onShift(16))
    #expect(calendar.nextShiftStart(atOrAfter: 0) == 8)
    #expect(calendar.nextShiftStart(atOrAfter: 10) == 10)
    #expect(calendar.nextShiftStart(atOrAfter: 16) == 32)           // Monday evening -> Tuesday 08:00
    #expect(calendar.nextShiftStart(atOrAfter: 4 * 24 + 17) == 7 * 24 + 8)  // Friday evening -> Monday
    #expect(!calendar.onShift(5 * 24 + 10))                          // Saturday
    #expect(RepairCalendar(shift: .twentyFourSeven, window: nil).onShift(5 * 24 + 3))
  }

  @Test("maintenance windows start at offset + k * every")
  func windows() {
    let calendar = RepairCalendar(shift: .twentyFourSeven, window: .init(every: 168, duration: 4, offset: 48))
    #expect(calendar.nextWindowStart(atOrAfter: 0) == 48)
    #expect(calendar.nextWindowStart(atOrAfter: 48) == 48)
    #expect(calendar.nextWindowStart(atOrAfter: 49) == 216)
    #expect(RepairCalendar(shift: .eightFive, window: nil).nextWindowStart(atOrAfter: 3) == nil)
  }

  @Test("technicians serve first come, first served, and account busy time")
  func technicians() {
    var pool = TechnicianPool(size: 1)
    pool.enqueue(1, at: 0)
    pool.enqueue(2, at: 1)
    #expect(pool.dispatchNext(at: 2)?.ticket == 1)
    #expect(pool.dispatchNext(at: 2) == nil)
    pool.release(at: 5)
    let next = pool.dispatchNext(at: 5)
    #expect(next?.ticket == 2 && next?.waited == 4)
    pool.release(at: 6)
    pool.close(at: 10)
    #expect(pool.busyHours == 4)
  }

  @Test("spare stock: take, reorder at the reorder point, serve waiting tickets first on arrival")
  func spareStock() {
    var stock = SpareStock(policy: .init(initial: 1, reorderPoint: 0, reorderQuantity: 2, leadTime: 10))
    let first = stock.take(for: 1, at: 0)
    let order = stock.reorderIfNeeded()            // position 0 <= 0
    let second = stock.take(for: 2, at: 3)         // stock-out: ticket 2 waits
    let noOrder = stock.reorderIfNeeded()          // position 0 + 2 - 1 = 1 > 0
    #expect(first && order == 2 && !second && noOrder == nil)
    let served = stock.add(2, fromOrder: true, at: 10)
    #expect(served.count == 1 && served[0].ticket == 2 && served[0].waited == 7)
    #expect(stock.onHand == 1 && stock.onOrder == 0)
    var unlimited = SpareStock(policy: nil)
    let taken = unlimited.take(for: 1, at: 0)
    let reorder = unlimited.reorderIfNeeded()
    #expect(taken && reorder == nil)
  }

  @Test("spare stock: the time integral of units on hand, closed at the horizon (what the capital cost line charges)")
  func stockIntegral() {
    var stock = SpareStock(policy: .init(initial: 3, reorderPoint: 0, reorderQuantity: 2, leadTime: 10))
    _ = stock.take(for: 1, at: 4)                  // 3 on hand over [0, 4)
    _ = stock.take(for: 2, at: 6)                  // 2 over [4, 6)
    _ = stock.take(for: 3, at: 7)                  // 1 over [6, 7)
    _ = stock.take(for: 4, at: 8)                  // 0 from 7; ticket 4 waits
    _ = stock.add(2, fromOrder: false, at: 12)     // one goes to ticket 4 at once: 1 on hand from 12
    stock.close(at: 20)
    let expected: Hours = 3 * 4 + 2 * 2 + 1 * 1 + 1 * 8
    #expect(stock.stockHours == expected)
    // A pool without a policy is unlimited and holds nothing that costs capital.
    var unlimited = SpareStock(policy: nil)
    _ = unlimited.take(for: 1, at: 5)
    unlimited.close(at: 10)
    #expect(unlimited.stockHours == 0)
  }

  /// Four units sharing one spare pool, with the given pool policy.
  static func pooled(initial: Int, reorderPoint: Int, failure: String = "{kind: exponential, mtbf: 500h}") throws -> TrialOutcome {
    let s = try scenario("""
      horizon: 20y
      parts:
        unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: \(failure)}}}
      system: {units: {u: {part: unit-part, count: 4}}}
      repair:
        detection: 0
        verification: 0
        spares: {unit-fru: {initial: \(initial), reorder_point: \(reorderPoint), reorder_quantity: 1, lead_time: 100h}}
        workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 1h}}
      """)
    return try Simulation(scenario: s).runTrial(0, seed: 3)
  }

  @Test("stock-outs happen when the buffer is too small and not when it covers lead-time demand")
  func sparesInTheEngine() throws {
    let scarce = try Self.pooled(initial: 0, reorderPoint: 0)
    #expect(scarce.stockouts > 10 && scarce.spareWaitHours > 0)
    // Lead-time demand is 4 × 100/500 = 0.8 units: a reorder point of 10 leaves essentially no
    // chance of a stock-out.
    let buffered = try Self.pooled(initial: 20, reorderPoint: 10)
    #expect(buffered.stockouts == 0 && buffered.spareWaitHours == 0)
  }

  @Test("a pool that starts at its reorder point orders at time 0")
  func initialOrder() throws {
    // One unit fails at exactly 150 h; the order placed at 0 arrives at 100 h, so the repair finds
    // its spare. Without the initial order it would stock out and wait 100 h.
    let s = try scenario("""
      horizon: 200h
      parts:
        unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: {kind: deterministic, value: 150h}}}}
      system: {units: {u: {part: unit-part}}}
      repair:
        detection: 0
        verification: 0
        spares: {unit-fru: {initial: 0, reorder_point: 0, reorder_quantity: 1, lead_time: 100h}}
        workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 1h}}
      """)
    let o = try Simulation(scenario: s).runTrial(0, seed: 1)
    #expect(o.failures[0][0] == 1)
    #expect(o.stockouts == 0 && o.spareWaitHours == 0)
    #expect(o.systemDownHours == 1)
  }
}
