/// The metrics of one trial, computed from its raw outcome. Their definitions are the report's
/// contract (Sources/ReliabilityKit/ReliabilityKit.docc/ReportSchema.md).
public struct TrialMetrics: Sendable {
  public struct Definition: Sendable, Equatable {
    public let name: String
    public let unit: String
    /// Availabilities live just below 1; their quantiles are kept on the complement.
    public var nearOne: Bool { name.hasSuffix("availability") }
  }

  /// Job metrics reported per job (in `breakdowns.jobs`), and for all jobs together.
  public static let jobDefinitions: [Definition] = [
    .init(name: "job_interruptions", unit: "count"),
    .init(name: "job_network_interruptions", unit: "count"),
    .init(name: "job_planned_interruptions", unit: "count"),
    .init(name: "job_background_interruptions", unit: "count"),
    .init(name: "job_interruptions_per_month", unit: "count_per_month"),
    .init(name: "job_ettr", unit: "ratio"),
    .init(name: "lost_gpu_hours", unit: "gpu_hours"),
    .init(name: "interruption_cost_usd", unit: "usd"),
  ]

  static let fabricDefinitions: [Definition] = [
    .init(name: "link_availability", unit: "ratio"),
    .init(name: "switch_availability", unit: "ratio"),
    .init(name: "fabric_capacity_availability", unit: "ratio"),
  ]

  static let commonDefinitions: [Definition] = [
    .init(name: "failures", unit: "count"),
    .init(name: "flaps", unit: "count"),
    .init(name: "absorbed_failures", unit: "count"),
    .init(name: "repairs", unit: "count"),
    .init(name: "cleaned_without_spare", unit: "count"),
    .init(name: "drains", unit: "count"),
    .init(name: "no_fault_found", unit: "count"),
    .init(name: "collateral_damage", unit: "count"),
    .init(name: "reworks", unit: "count"),
    .init(name: "spare_stockouts", unit: "count"),
    .init(name: "detection_wait_hours", unit: "hours"),
    .init(name: "technician_wait_hours", unit: "hours"),
    .init(name: "spare_wait_hours", unit: "hours"),
    .init(name: "deferral_wait_hours", unit: "hours"),
    .init(name: "repair_downtime_hours", unit: "hours"),
    .init(name: "technician_hands_on_hours", unit: "hours"),
    .init(name: "technician_utilisation", unit: "ratio"),
    .init(name: "labour_cost_usd", unit: "usd"),
    .init(name: "spares_cost_usd", unit: "usd"),
    .init(name: "energy_cost_usd", unit: "usd"),
    .init(name: "total_cost_usd", unit: "usd"),
    .init(name: "total_cost_usd_per_year", unit: "usd_per_year"),
    .init(name: "engine_events", unit: "count"),
  ]

  public let definitions: [Definition]
  let simulation: Simulation
  let sparePrices: [Double]
  let energyCostUSD: Double

  public init(simulation: Simulation) {
    self.simulation = simulation
    var definitions = simulation.isFabric ? Self.fabricDefinitions : [.init(name: "system_availability", unit: "ratio")]
    definitions += Self.commonDefinitions
    if !simulation.scenario.jobs.isEmpty { definitions += Self.jobDefinitions }
    self.definitions = definitions
    sparePrices = simulation.sparePrices
    let costs = simulation.scenario.costs
    // W × h × PUE → kWh × $/kWh.
    energyCostUSD = simulation.powerWatts / 1000 * simulation.scenario.horizon * costs.pue * costs.electricityUSDPerKWh
  }

  /// One job's metrics, in the order of `jobDefinitions`.
  func jobValues(_ job: JobOutcome, spec: JobSpec, horizon: Hours) -> [Double] {
    let lost = Double(spec.gpus) * (job.lostWorkHours + job.restartHours + job.waitingHours)
    return [
      Double(job.interruptions), Double(job.networkInterruptions), Double(job.plannedInterruptions),
      Double(job.backgroundInterruptions), Double(job.interruptions) / (horizon / 730), job.ettr(horizon: horizon),
      lost, lost * spec.usdPerGPUHour,
    ]
  }

  /// The trial's metrics, in the order of `definitions`.
  public func values(_ o: TrialOutcome) -> [Double] {
    let scenario = simulation.scenario
    let h = o.horizon
    var values: [Double] = []
    if simulation.isFabric {
      let switchLinks = Double(o.linkCount - o.nicLinkCount)
      let ports = Double(o.nicLinkCount) + 2 * switchLinks
      values += [
        1 - o.linkDownHours / (Double(o.linkCount) * h),
        1 - o.switchDownHours / (Double(o.switchCount) * h),
        1 - (o.nicLinkDownHours + 2 * (o.linkDownHours - o.nicLinkDownHours)) / (ports * h),
      ]
    } else {
      values.append(1 - o.systemDownHours / h)
    }
    let costs = scenario.costs
    let labour = o.handsOnHours * costs.technicianUSDPerHour + Double(o.dispatches) * costs.dispatchFeeUSD
    var spares = 0.0
    for i in sparePrices.indices {
      spares += Double(o.sparesUsed[i]) * sparePrices[i] + Double(o.reworked[i]) * sparePrices[i] * costs.reworkCostFraction
    }
    let jobs = zip(o.jobs, scenario.jobs).map { jobValues($0, spec: $1, horizon: h) }
    let interruptionCost = jobs.reduce(0) { $0 + $1[7] }
    let total = interruptionCost + labour + spares + energyCostUSD
    values += [
      Double(o.failures.joined().reduce(0, +)), Double(o.flaps), Double(o.absorbed),
      Double(o.repairsByAction.values.reduce(0, +)), Double(o.cleaned), Double(o.drains), Double(o.noFaultFound),
      Double(o.collateral), Double(o.reworks), Double(o.stockouts),
      o.detectionHours, o.technicianWaitHours, o.spareWaitHours, o.deferralHours, o.repairDowntimeHours, o.handsOnHours,
      o.technicianBusyHours / (Double(scenario.repair.technicians) * h),
      labour, spares, energyCostUSD, total, total / (h / 8760), Double(o.events),
    ]
    if !jobs.isEmpty {
      // All jobs together: counts and costs add up; ETTR is GPU-weighted.
      let gpus = scenario.jobs.reduce(0) { $0 + $1.gpus }
      for k in 0..<Self.jobDefinitions.count {
        if Self.jobDefinitions[k].name == "job_ettr" {
          values.append(zip(jobs, scenario.jobs).reduce(0) { $0 + $1.0[k] * Double($1.1.gpus) } / Double(gpus))
        } else {
          values.append(jobs.reduce(0) { $0 + $1[k] })
        }
      }
    }
    return values
  }
}
