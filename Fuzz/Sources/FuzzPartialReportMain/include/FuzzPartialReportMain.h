// The entry point SwiftPM links an executable with (FuzzPartialReport_main): hands over to libFuzzer.
int FuzzPartialReport_main(int argc, char **argv);
