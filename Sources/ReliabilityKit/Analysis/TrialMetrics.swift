/// The metrics of one trial, computed from its raw outcome. Their definitions are the report's
/// contract (Sources/ReliabilityKit/ReliabilityKit.docc/ReportSchema.md).
///
/// Every metric is a named field of `Values` (or `JobValues`), paired with its name and unit in
/// one table row that reads that field, so a metric is found by name, never by position: adding
/// one cannot change another.
public struct TrialMetrics: Sendable {
  /// A metric's name and unit, as the report writes them.
  public struct Definition: Sendable, Equatable {
    /// The metric's name (`availability`, `total_cost_usd`, `job_ettr`, ...).
    public let name: String
    /// Its unit (`ratio`, `count`, `hours`, `usd`, ...: the report schema's list).
    public let unit: String
    /// Whether more is better (availabilities, ETTR, throughput); otherwise less is (costs,
    /// failures, interruptions, waits).
    public var higherIsBetter: Bool { nearOne || name.hasSuffix("throughput") }
    /// Availabilities (and ETTR) live just below 1; their quantiles are kept on the complement,
    /// so the sketch's relative accuracy applies to 1 − x.
    public var nearOne: Bool { name.hasSuffix("availability") || name == "job_ettr" }
  }

  /// A trial's metrics by name.
  struct Values {
    var linkAvailability = 0.0
    var switchAvailability = 0.0
    var fabricCapacityAvailability = 0.0
    /// Nodes unusable (host down or a NIC cut off), averaged over the horizon.
    var meanUnusableNodes = 0.0
    var systemAvailability = 0.0
    /// Plain systems: times the system went down, and each k-of-n group's downtime.
    var systemOutages = 0.0
    var groupDownHours: [Double] = []
    var failures = 0.0
    var flaps = 0.0
    var commonCauseEvents = 0.0
    var lemonUnits = 0.0
    var lemonFlaps = 0.0
    var proactiveRepairs = 0.0
    var degradationsCaught = 0.0
    var absorbedFailures = 0.0
    var repairs = 0.0
    var cleanedWithoutSpare = 0.0
    var drains = 0.0
    var noFaultFound = 0.0
    var collateralDamage = 0.0
    var reworks = 0.0
    var spareStockouts = 0.0
    var remappedLinks = 0.0
    var detectionWaitHours = 0.0
    var technicianWaitHours = 0.0
    var spareWaitHours = 0.0
    var deferralWaitHours = 0.0
    var repairDowntimeHours = 0.0
    var technicianHandsOnHours = 0.0
    var technicianUtilisation = 0.0
    var labourCostUSD = 0.0
    var sparesCostUSD = 0.0
    var rmaCostUSD = 0.0
    var logisticsCostUSD = 0.0
    var sparesCapitalCostUSD = 0.0
    var spareNodesCostUSD = 0.0
    var energyCostUSD = 0.0
    var serDesEnergyCostUSD = 0.0
    var capitalCostUSD = 0.0
    var supportCostUSD = 0.0
    var totalCostUSD = 0.0
    var totalCostUSDPerYear = 0.0
    var engineEvents = 0.0
    /// All jobs together: counts and costs add up; ETTR is GPU-weighted.
    var jobs = JobValues()
  }

  /// One job's metrics (or all jobs' together) by name.
  struct JobValues {
    var interruptions = 0.0
    var networkInterruptions = 0.0
    var plannedInterruptions = 0.0
    var backgroundInterruptions = 0.0
    /// By cause, indexed by `InterruptionCause.rawValue`.
    var byCause = [Double](repeating: 0, count: InterruptionCause.allCases.count)
    var interruptionsPerMonth = 0.0
    /// Interruptions in the trial's worst month.
    var worstMonth = 0.0
    var ettr = 0.0
    var spareSwaps = 0.0
    var stockouts = 0.0
    var waitingHours = 0.0
    var degradedHours = 0.0
    var degradedThroughput = 0.0
    var lostGPUHours = 0.0
    var interruptionCostUSD = 0.0
    /// Unplanned failures that struck the job whatever it was doing, all and by cause.
    var hits = 0.0
    var hitsByCause = [Double](repeating: 0, count: InterruptionCause.allCases.count)
    /// The job's node-days over the horizon (full size), the denominator of per-node-day rates.
    var nodeDays = 0.0
    var hangHours = 0.0
    var restartsFromMemory = 0.0
    var degradedSwaps = 0.0

    /// Per 1,000 node-days of the job on the calendar (Kokolis et al.'s unit).
    func perThousandNodeDays(_ count: Double) -> Double { nodeDays > 0 ? count / nodeDays * 1000 : 0 }

    func cause(_ c: InterruptionCause) -> Double { byCause[c.rawValue] }
    /// Llama 3's "network switch and cable": NIC links, leaves and the fabric above them.
    var switchAndCable: Double { cause(.nicLink) + cause(.leaf) + cause(.uplink) }
  }

  typealias Row = (definition: Definition, value: @Sendable (Values) -> Double)
  typealias JobRow = (definition: Definition, value: @Sendable (JobValues) -> Double)

  private static func row(_ name: String, _ unit: String, _ value: @escaping @Sendable (Values) -> Double) -> Row {
    (Definition(name: name, unit: unit), value)
  }

  private static func jobRow(_ name: String, _ unit: String, _ value: @escaping @Sendable (JobValues) -> Double) -> JobRow {
    (Definition(name: name, unit: unit), value)
  }

  /// Job metrics reported per job (in `breakdowns.jobs`), and for all jobs together.
  static let jobRows: [JobRow] = [
    jobRow("job_interruptions", "count", { $0.interruptions }),
    jobRow("job_network_interruptions", "count", { $0.networkInterruptions }),
    jobRow("job_planned_interruptions", "count", { $0.plannedInterruptions }),
    jobRow("job_background_interruptions", "count", { $0.backgroundInterruptions }),
    jobRow("job_unexpected_interruptions", "count", { $0.interruptions - $0.plannedInterruptions }),
    jobRow("job_interruptions_per_month", "count_per_month", { $0.interruptionsPerMonth }),
    jobRow("job_worst_month_interruptions", "count", { $0.worstMonth }),
    jobRow("job_hits", "count", { $0.hits }),
    jobRow("job_hits_per_1000_node_days", "count_per_1000_node_days", { $0.perThousandNodeDays($0.hits) }),
    jobRow("job_host_hits_per_1000_node_days", "count_per_1000_node_days", { $0.perThousandNodeDays($0.hitsByCause[InterruptionCause.host.rawValue]) }),
    jobRow("job_interruptions_per_1000_node_days", "count_per_1000_node_days", { $0.perThousandNodeDays($0.interruptions - $0.plannedInterruptions) }),
    jobRow("job_ettr", "ratio", { $0.ettr }),
    jobRow("job_detection_hours", "hours", { $0.hangHours }),
    jobRow("job_restarts_from_memory", "count", { $0.restartsFromMemory }),
    jobRow("job_degraded_swaps", "count", { $0.degradedSwaps }),
    jobRow("job_node_wait_hours", "hours", { $0.waitingHours }),
    jobRow("job_degraded_hours", "hours", { $0.degradedHours }),
    jobRow("job_degraded_throughput", "ratio", { $0.degradedThroughput }),
    jobRow("lost_gpu_hours", "gpu_hours", { $0.lostGPUHours }),
    jobRow("interruption_cost_usd", "usd", { $0.interruptionCostUSD }),
  ]

  /// Job metrics of fabrics: root causes (in the shape of Llama 3's Table 5) and the spare pool.
  static let fabricJobRows: [JobRow] = [
    jobRow("job_interruptions_host", "count", { $0.cause(.host) }),
    jobRow("job_interruptions_nic", "count", { $0.cause(.nic) }),
    jobRow("job_interruptions_nic_link", "count", { $0.cause(.nicLink) }),
    jobRow("job_interruptions_leaf", "count", { $0.cause(.leaf) }),
    jobRow("job_interruptions_uplink", "count", { $0.cause(.uplink) }),
    jobRow("job_interruptions_switch_and_cable", "count", { $0.switchAndCable }),
    jobRow("job_spare_swaps", "count", { $0.spareSwaps }),
    jobRow("job_spare_stockouts", "count", { $0.stockouts }),
  ]

  /// The job rows a scenario reports.
  static func jobRows(fabric: Bool) -> [JobRow] { fabric ? jobRows + fabricJobRows : jobRows }

  /// The definitions of the per-job metrics, in report order.
  public var jobDefinitions: [Definition] { jobRowsUsed.map(\.definition) }
  let jobRowsUsed: [JobRow]

  static let fabricRows: [Row] = [
    row("link_availability", "ratio", { $0.linkAvailability }),
    row("switch_availability", "ratio", { $0.switchAvailability }),
    row("fabric_capacity_availability", "ratio", { $0.fabricCapacityAvailability }),
    row("mean_unusable_nodes", "nodes", { $0.meanUnusableNodes }),
  ]

  static let systemRows: [Row] = [
    row("system_availability", "ratio", { $0.systemAvailability }),
    row("system_outages", "count", { $0.systemOutages }),
  ]

  /// The name of the downtime metric of k-of-n group `g` (depth-first order in the structure).
  public static func groupDowntimeMetric(_ g: Int) -> String { "k_of_n_\(g)_downtime_hours" }

  static let commonRows: [Row] = [
    row("failures", "count", { $0.failures }),
    row("flaps", "count", { $0.flaps }),
    row("common_cause_events", "count", { $0.commonCauseEvents }),
    row("lemon_units", "count", { $0.lemonUnits }),
    row("lemon_flaps", "count", { $0.lemonFlaps }),
    row("proactive_repairs", "count", { $0.proactiveRepairs }),
    row("degradations_caught", "count", { $0.degradationsCaught }),
    row("absorbed_failures", "count", { $0.absorbedFailures }),
    row("repairs", "count", { $0.repairs }),
    row("cleaned_without_spare", "count", { $0.cleanedWithoutSpare }),
    row("drains", "count", { $0.drains }),
    row("no_fault_found", "count", { $0.noFaultFound }),
    row("collateral_damage", "count", { $0.collateralDamage }),
    row("reworks", "count", { $0.reworks }),
    row("spare_stockouts", "count", { $0.spareStockouts }),
    row("remapped_links", "count", { $0.remappedLinks }),
    row("detection_wait_hours", "hours", { $0.detectionWaitHours }),
    row("technician_wait_hours", "hours", { $0.technicianWaitHours }),
    row("spare_wait_hours", "hours", { $0.spareWaitHours }),
    row("deferral_wait_hours", "hours", { $0.deferralWaitHours }),
    row("repair_downtime_hours", "hours", { $0.repairDowntimeHours }),
    row("technician_hands_on_hours", "hours", { $0.technicianHandsOnHours }),
    row("technician_utilisation", "ratio", { $0.technicianUtilisation }),
    row("labour_cost_usd", "usd", { $0.labourCostUSD }),
    row("spares_cost_usd", "usd", { $0.sparesCostUSD }),
    row("rma_cost_usd", "usd", { $0.rmaCostUSD }),
    row("logistics_cost_usd", "usd", { $0.logisticsCostUSD }),
    row("spares_capital_cost_usd", "usd", { $0.sparesCapitalCostUSD }),
    row("spare_nodes_cost_usd", "usd", { $0.spareNodesCostUSD }),
    row("energy_cost_usd", "usd", { $0.energyCostUSD }),
    row("serdes_energy_cost_usd", "usd", { $0.serDesEnergyCostUSD }),
    row("capital_cost_usd", "usd", { $0.capitalCostUSD }),
    row("support_cost_usd", "usd", { $0.supportCostUSD }),
    row("total_cost_usd", "usd", { $0.totalCostUSD }),
    row("total_cost_usd_per_year", "usd_per_year", { $0.totalCostUSDPerYear }),
    row("engine_events", "count", { $0.engineEvents }),
  ]

  /// The unit of every metric a scenario of this kind reports, by name.
  public static func units(fabric: Bool, jobs: Bool) -> [String: String] {
    var definitions = ((fabric ? fabricRows : systemRows) + commonRows).map(\.definition)
    if jobs { definitions += jobRows(fabric: fabric).map(\.definition) }
    return Dictionary(uniqueKeysWithValues: definitions.map { ($0.name, $0.unit) })
  }

  /// The metrics this scenario reports, in report order.
  let rows: [Row]
  /// The metrics this scenario reports, in report order.
  public var definitions: [Definition] { rows.map(\.definition) }
  let simulation: Simulation
  /// Prices and sizes at the scenario's own (central) values; a trial with drawn inputs brings its own.
  let economics: TrialEconomics

  /// The metrics of `simulation`'s scenario (fabric or plain system, with its jobs and
  /// thresholds).
  public init(simulation: Simulation) {
    self.simulation = simulation
    var rows = simulation.isFabric ? Self.fabricRows : Self.systemRows
    for g in 0..<simulation.kOfNGroupCount {
      rows.append(Self.row(Self.groupDowntimeMetric(g), "hours", { g < $0.groupDownHours.count ? $0.groupDownHours[g] : 0 }))
    }
    rows += Self.commonRows
    jobRowsUsed = Self.jobRows(fabric: simulation.isFabric)
    if !simulation.scenario.jobs.isEmpty {
      rows += jobRowsUsed.map { job in (job.definition, { values in job.value(values.jobs) }) }
    }
    self.rows = rows
    economics = simulation.economics
  }

  /// One job's metrics.
  func jobValues(_ job: JobOutcome, gpus: Int, usdPerGPUHour: Double, horizon: Hours) -> JobValues {
    let lost = Double(gpus) * (job.lostWorkHours + job.hangHours + job.restartHours + job.waitingHours + job.degradedLossHours)
    let nodes = simulation.isFabric ? Double((gpus + simulation.gpusPerNode - 1) / simulation.gpusPerNode) : 1
    return JobValues(
      interruptions: Double(job.totalInterruptions), networkInterruptions: Double(job.networkInterruptions),
      plannedInterruptions: Double(job.plannedInterruptions), backgroundInterruptions: Double(job.backgroundInterruptions),
      byCause: job.interruptions.map(Double.init),
      interruptionsPerMonth: Double(job.totalInterruptions) / (horizon / TimeUnits.hoursPerMonth),
      worstMonth: Double(job.monthlyInterruptions.max() ?? 0), ettr: job.ettr(horizon: horizon),
      spareSwaps: Double(job.spareSwaps), stockouts: Double(job.stockouts), waitingHours: job.waitingHours,
      degradedHours: job.degradedHours,
      degradedThroughput: job.degradedHours > 0 ? max(0, 1 - job.degradedLossHours / job.degradedHours) : 1,
      lostGPUHours: lost, interruptionCostUSD: lost * usdPerGPUHour,
      hits: Double(job.totalHits), hitsByCause: job.hits.map(Double.init), nodeDays: nodes * horizon / 24,
      hangHours: job.hangHours, restartsFromMemory: Double(job.restartsFromMemory), degradedSwaps: Double(job.degradedSwaps))
  }

  /// One job's metrics, in the order of `jobDefinitions`.
  func jobValueList(_ job: JobOutcome, index j: Int, in o: TrialOutcome) -> [Double] {
    let e = o.economics ?? economics
    let values = jobValues(job, gpus: e.jobGPUs[j], usdPerGPUHour: e.usdPerGPUHour[j], horizon: o.horizon)
    return jobRowsUsed.map { $0.value(values) }
  }

  /// The trial's metrics by name.
  func namedValues(_ o: TrialOutcome) -> Values {
    let h = o.horizon
    var v = Values()
    if simulation.isFabric {
      let switchLinks = Double(o.linkCount - o.nicLinkCount)
      let ports = Double(o.nicLinkCount) + 2 * switchLinks
      v.linkAvailability = 1 - o.linkDownHours / (Double(o.linkCount) * h)
      v.switchAvailability = 1 - o.switchDownHours / (Double(o.switchCount) * h)
      v.fabricCapacityAvailability = 1 - (o.nicLinkDownHours + 2 * (o.linkDownHours - o.nicLinkDownHours)) / (ports * h)
      v.meanUnusableNodes = o.unusableNodeHours / h
    } else {
      v.systemAvailability = 1 - o.systemDownHours / h
      v.systemOutages = Double(o.systemFailures)
      v.groupDownHours = o.groupDownHours
    }
    let e = o.economics ?? economics
    let costs = e.costs
    // W × h × PUE → kWh × $/kWh.
    let energyCostUSD = e.powerWatts / 1000 * h * costs.pue * costs.electricityUSDPerKWh
    let labour = o.handsOnHours * costs.technicianUSDPerHour + Double(o.dispatches) * costs.dispatchFeeUSD
    // Spares bought (replacements outside warranty), reworks paid for (outside warranty), RMA
    // shipments (every warranty claim and every rework), and the stock held (docs/inputs.md).
    var spares = 0.0, rma = 0.0, logistics = 0.0, capital = 0.0
    for i in e.sparePrices.indices {
      spares += Double(o.sparesUsed[i] - o.warrantyReplacements[i]) * e.sparePrices[i]
      rma += Double(o.reworked[i] - o.warrantyReworks[i]) * e.reworkPrices[i]
      logistics += Double(o.warrantyReplacements[i] + o.reworked[i]) * e.logisticsCosts[i]
      capital += o.spareStockHours[i] / TimeUnits.hoursPerYear * e.sparePrices[i] * costs.sparesCarryingRatePerYear
    }
    let jobs = o.jobs.indices.map { jobValues(o.jobs[$0], gpus: e.jobGPUs[$0], usdPerGPUHour: e.usdPerGPUHour[$0], horizon: h) }
    let interruptionCost = jobs.reduce(0) { $0 + $1.interruptionCostUSD }
    // The warm spare nodes stand idle all the horizon: their GPUs at the spare price.
    let spareNodesCost = Double(e.spareGPUs) * e.spareUSDPerGPUHour * h
    // The host SerDes that drive the optics and cables, priced like the optics' own power.
    let serDesEnergyCostUSD = e.serDesWatts / 1000 * h * costs.pue * costs.electricityUSDPerKWh
    // The installed capital, amortised over its life (or once), and the support contracts.
    let capitalCost = costs.capital.map { e.capitalUSD * $0.share(horizon: h) } ?? 0
    let supportCost = e.supportUSDPerYear * h / TimeUnits.hoursPerYear
    let total = interruptionCost + labour + spares + rma + logistics + capital + spareNodesCost + energyCostUSD
      + serDesEnergyCostUSD + capitalCost + supportCost
    v.failures = Double(o.failures.joined().reduce(0, +))
    v.flaps = Double(o.flaps)
    v.commonCauseEvents = Double(o.commonCauseEvents)
    v.lemonUnits = Double(o.lemonUnits)
    v.lemonFlaps = Double(o.lemonFlaps)
    v.proactiveRepairs = Double(o.proactiveRepairs)
    v.degradationsCaught = Double(o.degradationsCaught)
    v.absorbedFailures = Double(o.absorbed)
    v.repairs = Double(o.repairsByAction.reduce(0, +))
    v.cleanedWithoutSpare = Double(o.cleaned)
    v.drains = Double(o.drains)
    v.noFaultFound = Double(o.noFaultFound)
    v.collateralDamage = Double(o.collateral)
    v.reworks = Double(o.reworks)
    v.spareStockouts = Double(o.stockouts)
    v.remappedLinks = Double(o.remappedLinks)
    v.detectionWaitHours = o.detectionHours
    v.technicianWaitHours = o.technicianWaitHours
    v.spareWaitHours = o.spareWaitHours
    v.deferralWaitHours = o.deferralHours
    v.repairDowntimeHours = o.repairDowntimeHours
    v.technicianHandsOnHours = o.handsOnHours
    v.technicianUtilisation = o.technicianBusyHours / (Double(e.technicians) * h)
    v.labourCostUSD = labour
    v.sparesCostUSD = spares
    v.rmaCostUSD = rma
    v.logisticsCostUSD = logistics
    v.sparesCapitalCostUSD = capital
    v.spareNodesCostUSD = spareNodesCost
    v.energyCostUSD = energyCostUSD
    v.serDesEnergyCostUSD = serDesEnergyCostUSD
    v.capitalCostUSD = capitalCost
    v.supportCostUSD = supportCost
    v.totalCostUSD = total
    v.totalCostUSDPerYear = total / (h / TimeUnits.hoursPerYear)
    v.engineEvents = Double(o.events)
    if !jobs.isEmpty {
      func sum(_ field: KeyPath<JobValues, Double>) -> Double { jobs.reduce(0) { $0 + $1[keyPath: field] } }
      let gpus = e.jobGPUs.reduce(0, +)
      let degraded = sum(\.degradedHours)
      v.jobs = JobValues(
        interruptions: sum(\.interruptions), networkInterruptions: sum(\.networkInterruptions),
        plannedInterruptions: sum(\.plannedInterruptions), backgroundInterruptions: sum(\.backgroundInterruptions),
        byCause: InterruptionCause.allCases.map { c in jobs.reduce(0) { $0 + $1.cause(c) } },
        interruptionsPerMonth: sum(\.interruptionsPerMonth),
        worstMonth: Double(o.jobs.reduce([Int](repeating: 0, count: o.jobs.first?.monthlyInterruptions.count ?? 0)) { total, job in
          zip(total, job.monthlyInterruptions).map { $0 + $1 }
        }.max() ?? 0),
        ettr: zip(jobs, e.jobGPUs).reduce(0) { $0 + $1.0.ettr * Double($1.1) } / Double(gpus),
        spareSwaps: sum(\.spareSwaps), stockouts: sum(\.stockouts), waitingHours: sum(\.waitingHours), degradedHours: degraded,
        degradedThroughput: degraded > 0 ? jobs.reduce(0) { $0 + $1.degradedThroughput * $1.degradedHours } / degraded : 1,
        lostGPUHours: sum(\.lostGPUHours), interruptionCostUSD: sum(\.interruptionCostUSD),
        hits: sum(\.hits), hitsByCause: InterruptionCause.allCases.map { c in jobs.reduce(0) { $0 + $1.hitsByCause[c.rawValue] } },
        nodeDays: sum(\.nodeDays), hangHours: sum(\.hangHours), restartsFromMemory: sum(\.restartsFromMemory),
        degradedSwaps: sum(\.degradedSwaps))
    }
    return v
  }

  /// The trial's metrics, in the order of `definitions`.
  public func values(_ o: TrialOutcome) -> [Double] {
    let v = namedValues(o)
    return rows.map { $0.value(v) }
  }

  /// The value of metric `name` in a trial, or nil when this scenario does not report it.
  public func value(named name: String, in o: TrialOutcome) -> Double? {
    guard let row = rows.first(where: { $0.definition.name == name }) else { return nil }
    return row.value(namedValues(o))
  }
}
