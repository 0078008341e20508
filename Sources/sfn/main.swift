import SFNCommands

await SFNCommand.main()
