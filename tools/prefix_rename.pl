#!/usr/bin/perl
# usage: prefix_rename.pl SYMFILE MDSKIP file...
# Prefixes every identifier listed in SYMFILE with fl_: in C sources outside
# string and char literals; in shell scripts everywhere (they hold C snippets);
# in Markdown only inside `code` spans and never the names in MDSKIP
# (identifiers that are also column names).
use strict; use warnings;
sub slurp { open my $fh, '<', $_[0] or die "$_[0]"; my @l = map { chomp; $_ } grep { /\S/ } <$fh>; close $fh; @l }
my @s = slurp(shift); my %skip = map { $_ => 1 } slurp(shift);
my $alt = join '|', sort { length($b) <=> length($a) } @s;
my $re = qr/(?<![\w\/])($alt)(?!\w|\.[cho]\b)/;
my @md = grep { !$skip{$_} } @s;
my $altmd = join '|', sort { length($b) <=> length($a) } @md;
my $remd = qr/(?<![\w\/])($altmd)(?!\w|\.[cho]\b)/;
for my $f (@ARGV) {
  open my $in, '<', $f or die "$f"; local $/; my $t = <$in>; close $in;
  my $o = $t;
  if ($f =~ /\.md$/) {
    $t =~ s{(`[^`\n]*`)}{ my $c = $1; $c =~ s/$remd/fl_$1/g; $c }ge;
  } elsif ($f =~ /\.sh$/) {
    $t =~ s/$re/fl_$1/g;
  } else {
    my @parts = split /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/, $t;
    for (my $i = 0; $i < @parts; $i += 2) { $parts[$i] =~ s/$re/fl_$1/g; }
    $t = join '', @parts;
  }
  if ($t ne $o) { open my $out, '>', $f or die; print $out $t; close $out; }
}
