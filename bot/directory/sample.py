"""What marks the bundled sample records as sample data, in one place: the directory search
(bot.directory.search), the script that builds the sample directory and the script that
checks it (scripts/build_directory_data.py, scripts/check_directory_data.py) all read it.
No imports: the scripts load it without the app's dependencies."""

DATA_STATUS_TAXONOMY = "harrow-data-status"
SAMPLE_DATA_TERM = "sample_data"
# The alert every bundled sample record opens with.
SAMPLE_ALERT = "Sample data for demonstration: contact details are not real."
