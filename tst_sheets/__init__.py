"""TST Sheets: a teacher-leadership coaching program on Google Sheets, Drive and Calendar."""
