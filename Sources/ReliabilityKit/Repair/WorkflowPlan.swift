/// A workflow resolved for the engine: what the repair desk does with a ticket, as values.
///
/// Built from the scenario's `Workflow` when the plant layout is built; the repair desk executes
/// a plan step by step and never switches on a workflow's action. A new action is a new way of
/// filling these fields (`init(_:)`) and, if it needs a step the desk lacks, one executor there.
///
/// A final class: the desk reads a plan at every step, and copying its distributions would
/// cost a retain and release for each.
final class WorkflowPlan: Sendable {
  /// What happens once a failure is known.
  enum Decision: Sendable, Equatable {
    /// Ask for a spare and a technician at once.
    case now
    /// Wait for the next maintenance window; `drainNow` takes the FRU's blast radius out of
    /// service until then (planned), otherwise only the failed part's outage stays.
    case atNextWindow(drainNow: Bool)
    /// Leave the failed ports dark (moving their links to spare ports after `remapTime` when the
    /// switch has enough) while the FRU keeps working; swap at the next window, or at once when
    /// the switch has more than `swapAbove` dark ports.
    case leaveDark(swapAbove: Int?, remapTime: Hours)

    /// Whether the FRU stays in service, able to fail again, while the ticket is open.
    var keepsServing: Bool { if case .leaveDark = self { true } else { false } }
  }

  /// What becomes of the unit taken out.
  enum Disposition: Sendable, Equatable {
    /// The spare is consumed; the failed unit is scrapped.
    case scrap
    /// The failed unit goes for rework and returns to the spare pool after `turnaround` hours.
    case rework(turnaround: Hours)
  }

  /// The scenario's action, for reports and traces only.
  let action: Workflow.Action
  /// The decision's name as written in the scenario (`now`, `maintenance-window`, ...), for traces.
  var decisionName: String {
    switch decision {
    case .now: Workflow.When.now.rawValue
    case .atNextWindow(drainNow: true): Workflow.When.maintenanceWindow.rawValue
    case .atNextWindow(drainNow: false): Workflow.When.degradedUntilWindow.rawValue
    case .leaveDark: Workflow.When.leaveDark.rawValue
    }
  }
  let decision: Decision
  /// Drain the blast radius before the hands-on work (board swaps). Planned swaps of a unit
  /// still in service always drain.
  let drainsFirst: Bool
  let drainTime: Distribution
  let handsOn: Distribution
  /// Try cleaning or reseating first when the failure's fix allows it.
  let cleanFirst: Bool
  let cleanSuccess: Double
  let noFaultFound: Double
  let collateral: Double
  let disposition: Disposition

  private init(copying p: WorkflowPlan) {
    action = p.action; decision = p.decision; drainsFirst = p.drainsFirst; drainTime = p.drainTime; handsOn = p.handsOn
    cleanFirst = p.cleanFirst; cleanSuccess = p.cleanSuccess; noFaultFound = p.noFaultFound; collateral = p.collateral
    disposition = p.disposition
  }

  /// A copy that is an object of its own (for another worker thread, whose reads must not touch
  /// this one's reference count).
  func copy() -> WorkflowPlan { WorkflowPlan(copying: self) }

  init(_ workflow: Workflow) {
    action = workflow.action
    switch workflow.when {
    case .now: decision = .now
    case .maintenanceWindow: decision = .atNextWindow(drainNow: true)
    case .degradedUntilWindow: decision = .atNextWindow(drainNow: false)
    case .leaveDark: decision = .leaveDark(swapAbove: workflow.swapWhenDarkExceeds, remapTime: workflow.remapTime)
    }
    switch workflow.action {
    case .hotSwap, .laserSwap:
      drainsFirst = false
      disposition = .scrap
    case .boardReplace:
      drainsFirst = true
      disposition = .scrap
    case .rmaRework:
      drainsFirst = true
      disposition = .rework(turnaround: workflow.rmaTurnaround)
    }
    drainTime = workflow.drain
    handsOn = workflow.handsOn
    cleanFirst = workflow.cleanFirst
    cleanSuccess = workflow.cleanSuccess
    noFaultFound = workflow.noFaultFound
    collateral = workflow.collateral
  }
}
