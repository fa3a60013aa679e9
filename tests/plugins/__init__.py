"""The nbval plugin, its sanitizer and runners, and the plugin's own test."""
