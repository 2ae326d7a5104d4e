/// The calendar units reports and inputs use, defined once.
public enum TimeUnits {
  /// A year of 8,760 hours (365 days): annual failure rates, costs per year.
  public static let hoursPerYear: Hours = 8760
  /// A month of 730 hours, a twelfth of the 8,760-hour year: the report's time series.
  public static let hoursPerMonth: Hours = 730

  /// The number of months (of `hoursPerMonth`) a horizon spans, at least one.
  public static func months(in horizon: Hours) -> Int {
    max(1, Int((horizon / hoursPerMonth).rounded(.up)))
  }
}
