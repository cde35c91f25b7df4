package planner

// FormatNumber is formatNumber for the package's external tests.
var FormatNumber = formatNumber
