use super::parse;

#[test]
fn a_kodi_movie_document_gives_titles_year_plot_and_ids() {
    let doc = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
  <title>The Matrix</title>
  <originaltitle>The Matrix</originaltitle>
  <year>1999</year>
  <plot>Neo &amp; Trinity &#x263A; <![CDATA[<fight>]]></plot>
  <uniqueid type="imdb" default="true">tt0133093</uniqueid>
  <uniqueid type="tmdb">603</uniqueid>
  <actor><name>Keanu Reeves</name><role>Neo</role></actor>
</movie>
https://www.themoviedb.org/movie/603"#;
    let meta = parse(doc.as_bytes()).unwrap();
    assert_eq!(meta.title.as_deref(), Some("The Matrix"));
    assert_eq!(meta.year, Some(1999));
    assert_eq!(meta.plot.as_deref(), Some("Neo & Trinity \u{263a} <fight>"));
    assert_eq!(meta.ids.imdb.as_deref(), Some("tt0133093"));
    assert_eq!(meta.ids.tmdb.as_deref(), Some("603"));
    assert_eq!(meta.ids.tvdb, None);
}

#[test]
fn show_and_episode_documents_and_old_id_elements() {
    let show = "<tvshow><title>Lost</title><premiered>2004-09-22</premiered><tvdbid>73739</tvdbid><id>tt0411008</id></tvshow>";
    let meta = parse(show.as_bytes()).unwrap();
    assert_eq!((meta.title.as_deref(), meta.year), (Some("Lost"), Some(2004)));
    assert_eq!((meta.ids.tvdb.as_deref(), meta.ids.imdb.as_deref()), (Some("73739"), Some("tt0411008")));
    let episode = "<episodedetails><title>Pilot</title><aired>2004-09-22</aired></episodedetails>";
    assert_eq!(parse(episode.as_bytes()).unwrap().title.as_deref(), Some("Pilot"));
    assert_eq!(parse(b"<movie/>").unwrap(), super::Metadata::default());
}

#[test]
fn a_link_only_nfo_gives_the_imdb_id() {
    let meta = parse(b"https://www.imdb.com/title/tt0133093/\n").unwrap();
    assert_eq!(meta.ids.imdb.as_deref(), Some("tt0133093"));
}

#[test]
fn malformed_documents_are_errors_not_panics() {
    let billion_laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><movie><title>&lol2;</title></movie>"#;
    for doc in [
        billion_laughs,
        "<movie><title>Unclosed</movie>",
        "<movie><title>Cut",
        "<html><body/></html>",
        "no xml and no id",
        "<movie></movie><movie></movie>",
        "",
    ] {
        assert!(parse(doc.as_bytes()).is_err(), "{doc}");
    }
    assert!(parse(&vec![b' '; 2 * 1024 * 1024]).is_err());
}

#[test]
fn bad_values_are_dropped_and_long_texts_cut() {
    let plot = "x".repeat(50_000);
    let doc = format!(
        "<movie><year>99999</year><uniqueid type=\"tmdb\">12a</uniqueid><uniqueid type=\"imdb\">nm123</uniqueid><plot>{plot}</plot></movie>"
    );
    let meta = parse(doc.as_bytes()).unwrap();
    assert_eq!((meta.year, meta.ids.tmdb, meta.ids.imdb), (None, None, None));
    assert_eq!(meta.plot.map(|p| p.chars().count()), Some(10_000));
}
