/// Numbers written the Swedish way: a no-break space between thousands, decimal comma (2 669; 11,1).
enum SwedishFormat {
    static let noBreakSpace = "\u{00A0}"

    static func integer(_ value: Int) -> String {
        (value < 0 ? minus : "") + group(String(value.magnitude))
    }
}

extension SwedishFormat {
    /// The minus sign (U+2212), as Swedish typography writes it.
    static let minus = "\u{2212}"

    /// A number as written in a dataset (`34195499`, `7.4`, `-3`) → `34 195 499`, `7,4`, `−3`; the decimals are
    /// kept as written (`9.0` → `9,0`).
    static func decimal(_ machineText: String) -> String {
        var text = Substring(machineText)
        var negative = false
        if text.hasPrefix("-") { negative = true; text = text.dropFirst() }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var result = group(String(parts[0]))
        if parts.count == 2 { result += "," + parts[1] }
        return (negative ? minus : "") + result
    }

    /// `value` rounded to `decimals` places, grouped, with a decimal comma.
    static func number(_ value: Double, decimals: Int) -> String {
        let rounded = (value * pow10(decimals)).rounded() / pow10(decimals)
        if rounded == 0 { return decimals > 0 ? "0," + String(repeating: "0", count: decimals) : "0" }
        let scaled = Int64((abs(rounded) * pow10(decimals)).rounded())
        let digits = String(scaled)
        let padded = digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        let whole = String(padded.dropLast(decimals))
        var result = group(whole)
        if decimals > 0 { result += "," + padded.suffix(decimals) }
        return (rounded < 0 ? minus : "") + result
    }

    /// A change with its sign: `+1,2`, `−142`, `0`.
    static func signed(_ value: Double, decimals: Int) -> String {
        let text = number(value, decimals: decimals)
        return text.hasPrefix(minus) || text.allSatisfy({ $0 == "0" || $0 == "," }) ? text : "+" + text
    }

    /// A per cent value with one decimal and a no-break space before the sign: `−58,0 %`.
    static func percent(_ value: Double, signed isSigned: Bool = false) -> String {
        (isSigned ? signed(value, decimals: 1) : number(value, decimals: 1)) + noBreakSpace + "%"
    }

    /// Decimals written after the dot in a dataset number.
    static func decimals(of machineText: String) -> Int {
        guard let dot = machineText.firstIndex(of: ".") else { return 0 }
        return machineText.distance(from: dot, to: machineText.endIndex) - 1
    }

    private static func group(_ digits: String) -> String {
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += noBreakSpace }
            grouped.append(digit)
        }
        return grouped
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, exponent) { result *= 10 }
        return result
    }
}
