import SFNCommands

@main
struct SFNMain {
    static func main() async {
        await SFNCommand.runAndExit()
    }
}
