enum FormattingFunctions {
    static let functions: [NativeFunction] = []
}
