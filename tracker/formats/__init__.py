"""The layouts of the workbooks the tracker writes and reads back: one place both sides import."""
