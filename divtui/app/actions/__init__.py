"""The handlers of divtui's commands (declared in `divtui.app.commands`), grouped by what they
act on. Each takes the main screen and either replaces its scenario, asks a question first, or
tells the user why not."""
