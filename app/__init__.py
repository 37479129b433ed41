"""The app layer: what a signed-in person may ask for. Scoped access (the one door to the
evidence), profiles, exports (one writer per format), settings and the derived stores;
the command line and the dashboard pages are thin layers on top of it."""
