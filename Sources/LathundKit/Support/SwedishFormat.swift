/// Numbers written the Swedish way: a no-break space between thousands, decimal comma (2 669; 11,1).
public enum SwedishFormat {
    public static let noBreakSpace = "\u{00A0}"

    public static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += noBreakSpace }
            grouped.append(digit)
        }
        return value < 0 ? "−" + grouped : grouped
    }
}
