export default function View() {
  return <p>admin</p>;
}
