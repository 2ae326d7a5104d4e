import Foundation
import Testing
import ReliabilityKit

@Suite("Trial metrics: the cost model")
struct TrialMetricsTests {
  @Test("warranty and RMA cost lines: spares bought outside warranty, reworks paid outside warranty, a shipment per RMA, capital on the stock held")
  func costLines() throws {
    // A board FRU at $1,000 with a 1-year warranty, a $300 rework price and $20 per RMA shipment,
    // reworked (rma-rework) or scrapped (hot-swap); 25 spares carried at 20 % a year.
    for workflow in ["hot-swap", "rma-rework"] {
      let s = try RepairDeskTests.units(count: 20, horizon: "3y", warranty: "1y", workflow: workflow, mtbf: "5000h",
        spares: "spares: {unit-fru: {initial: 25, reorder_point: 5, reorder_quantity: 10, lead_time: 2w}}")
      let simulation = try Simulation(scenario: s)
      let metrics = TrialMetrics(simulation: simulation)
      let o = simulation.runTrial(0, seed: 5)
      func value(_ name: String) -> Double { metrics.value(named: name, in: o)! }
      let bought = o.sparesUsed[0] - o.warrantyReplacements[0]
      let reworkedOutside = o.reworked[0] - o.warrantyReworks[0]
      #expect(value("spares_cost_usd") == Double(bought) * 1000)
      #expect(value("rma_cost_usd") == Double(reworkedOutside) * 300)
      #expect(value("logistics_cost_usd") == Double(o.warrantyReplacements[0] + o.reworked[0]) * 20)
      #expect(close(value("spares_capital_cost_usd"), o.spareStockHours[0] / 8760 * 1000 * 0.20))
      // The split is not trivial: some failures fall inside the first year, some after it.
      if workflow == "hot-swap" {
        #expect(o.warrantyReplacements[0] > 0 && bought > 0 && o.reworked[0] == 0)
      } else {
        #expect(o.warrantyReworks[0] > 0 && reworkedOutside > 0 && o.sparesUsed[0] == 0)
      }
      #expect(value("spares_capital_cost_usd") > 0)
    }
  }
}
