// The entry point SwiftPM links an executable with (FuzzReport_main): hands over to libFuzzer.
int FuzzReport_main(int argc, char **argv);
